#include "certs/expiration.h"
#include "certs_flags.h"
#include "common/constants.h"
#include "config_source.h"
#include "parent_command.h"
#include "plan/effects.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct RenewOptions {
  config::InitFlags base;
  std::string kubeconfig_dir = std::string(constants::kKubernetesDir);
  std::string name;
};

Status run_renew(const RenewOptions& o) {
  auto cfg = KADM_TRY(load_init_configuration(o.base));
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
  add_pki_location_flags(cmd, opts->base, opts->kubeconfig_dir);
  on_run(cmd, ctx, [opts] { return run_renew(*opts); });
});

}  // namespace
}  // namespace kadm::cli
