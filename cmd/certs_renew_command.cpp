#include "certs/expiration.h"
#include "common/constants.h"
#include "default_init_config.h"
#include "plan/effects.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct RenewOptions {
  BaseConfigFlags base;
  std::string kubeconfig_dir = std::string(constants::kKubernetesDir);
  std::string name;
};

Status run_renew(const RenewOptions& o) {
  auto cfg = KADM_TRY(default_init_configuration(o.base));
  plan::RealEffects effects;
  return certs::renew(o.name, cfg, o.kubeconfig_dir, effects);
}

const Registrar reg(321, [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<RenewOptions>();
  auto* certs =
      parent_command(root, "certs", "Commands related to handling Kubernetes certificates");
  auto* cmd = certs->add_subcommand(
      "renew",
      "Renew a certificate (or \"all\") with the CA on disk, keeping its identity and SANs");
  cmd->add_option("name", opts->name,
                  "admin.conf, apiserver, apiserver-etcd-client, apiserver-kubelet-client, "
                  "controller-manager.conf, etcd-healthcheck-client, etcd-peer, etcd-server, "
                  "front-proxy-client, scheduler.conf, super-admin.conf or all")
      ->required();
  cmd->add_option("--cert-dir", opts->base.cert_dir, "The path where certificates are stored");
  cmd->add_option("--kubeconfig-dir", opts->kubeconfig_dir,
                  "The path where kubeconfig files are stored");
  cmd->add_option("--config", opts->base.config_path, "Path to a kadm configuration file");
  on_run(cmd, ctx, [opts] { return run_renew(*opts); });
});

}  // namespace
}  // namespace kadm::cli
