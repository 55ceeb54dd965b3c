#include <iostream>

#include "certs/pki_state.h"
#include "common/duration.h"
#include "config_source.h"
#include "flag_binders.h"
#include "kubeconfig/phase.h"
#include "parent_command.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct UserOptions {
  config::InitFlags base;
  std::string client_name;
  std::vector<std::string> orgs;
  std::string token;
  std::string validity;
};

Status run_user(const UserOptions& o) {
  auto cfg = KADM_TRY(load_init_configuration(o.base));
  auto ca = KADM_TRY(certs::load_ca_files(cfg.cluster.certificates_dir, "ca"));
  std::string text;
  if (!o.token.empty()) {
    text = KADM_TRY(kubeconfig::token_kubeconfig(cfg, ca, o.client_name, o.token));
  } else {
    Duration validity{};
    if (!o.validity.empty()) {
      validity = KADM_TRY_CTX(parse_duration(o.validity), "invalid --validity-period");
    }
    text = KADM_TRY(kubeconfig::user_kubeconfig(cfg, ca, o.client_name, o.orgs, validity));
  }
  std::cout << text;
  return {};
}

const Registrar reg(330, "kubeconfig", [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<UserOptions>();
  auto* parent = parent_command(root, "kubeconfig", "Kubeconfig file utilities");
  auto* cmd = parent->add_subcommand("user", "Print a kubeconfig file for an additional user");
  cmd->add_option("--client-name", opts->client_name,
                  "The name of the user; used as the certificate's common name")
      ->required();
  cmd->add_option("--org", opts->orgs, "The organizations (groups) of the client certificate");
  cmd->add_option("--token", opts->token, "Use this token instead of a client certificate");
  cmd->add_option("--validity-period", opts->validity,
                  "The validity period of the client certificate (e.g. 24h)");
  bind_text(cmd, "--config", opts->base.config_path, "Path to a kadm configuration file");
  bind_text(cmd, "--cert-dir", opts->base.cert_dir, "The path where certificates are stored");
  bind_text(cmd, "--apiserver-advertise-address", opts->base.apiserver_advertise_address,
            "The IP address the API server is reachable at");
  bind_number(cmd, "--apiserver-bind-port", opts->base.apiserver_bind_port,
              "The port the API server is reachable at (default 6443)");
  bind_text(cmd, "--control-plane-endpoint", opts->base.control_plane_endpoint,
            "A stable IP address or DNS name for the control plane; used as the server instead "
            "of the advertise address");
  bind_text(cmd, "--kubernetes-version", opts->base.kubernetes_version,
            "The Kubernetes version of the cluster");
  on_run(cmd, ctx, [opts] { return run_user(*opts); });
});

}  // namespace
}  // namespace kadm::cli
