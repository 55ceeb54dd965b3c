#include <spdlog/spdlog.h>

#include <chrono>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "certs_flags.h"
#include "common/constants.h"
#include "common/strings.h"
#include "config_source.h"
#include "flag_binders.h"
#include "host/linux_host.h"
#include "parent_command.h"
#include "plan/effects.h"
#include "registry.h"
#include "renewal/expiration.h"
#include "renewal/renew_restart.h"
#include "staticpod/rollout.h"

namespace kadm::cli {
namespace {

struct RenewOptions {
  config::InitFlags base;
  std::string kubeconfig_dir = std::string(constants::kKubernetesDir);
  std::string kubeconfig;  // "" = <kubeconfig-dir>/admin.conf
  std::optional<bool> restart;
  std::string name;
};

Status restart_after_renewal(const RenewOptions& o, const config::InitConfiguration& cfg,
                             const std::vector<std::string>& renewed) {
  const std::filesystem::path kubernetes_dir = o.kubeconfig_dir;
  const auto components = renewal::components_to_restart(renewed);
  if (components.empty()) {
    spdlog::info(
        "\nDone renewing certificates. No static pod reads what was renewed: nothing to "
        "restart.");
    return {};
  }
  renewal::RestartOptions ro;
  ro.manifest_dir = kubernetes_dir / constants::kManifestsSubdir;
  ro.backup_dir = staticpod::backup_dir(kubernetes_dir, std::chrono::system_clock::now());
  ro.cert_dir = cfg.cluster.certificates_dir.empty()
                    ? std::filesystem::path(constants::kDefaultCertificatesDir)
                    : std::filesystem::path(cfg.cluster.certificates_dir);
  ro.node_name = renewal::kubelet_node_name(kubernetes_dir / constants::kKubeletConf,
                                            cfg.node_registration.name);
  if (cfg.timeouts.upgrade_manifests.count() > 0) ro.timeout = cfg.timeouts.upgrade_manifests;

  bool any_manifest = false;
  for (const auto& c : components) {
    any_manifest |= std::filesystem::exists(ro.manifest_dir / (c + ".yaml"));
  }
  if (!any_manifest) {
    spdlog::info(
        "\nDone renewing certificates. There is no static pod manifest for {} in {}: this host "
        "runs none of them, so nothing was restarted here; restart them where they run.",
        str::join(components, ", "), ro.manifest_dir.string());
    return {};
  }
  // The renewed admin.conf (or --kubeconfig) reads the mirror pods.
  const std::string kubeconfig_path =
      o.kubeconfig.empty() ? (kubernetes_dir / constants::kAdminConf).string() : o.kubeconfig;
  auto kc = apiclient::load_kubeconfig(kubeconfig_path);
  if (!kc) {
    return fail(std::move(kc).error().with_context(
        "the certificates were renewed, but kadm needs a kubeconfig to watch the static pods "
        "restart (--kubeconfig; --restart=false renews without restarting)"));
  }
  apiclient::CurlClientOptions copts;
  copts.request_timeout = std::chrono::seconds(5);
  copts.connect_timeout = std::chrono::seconds(2);
  copts.retry.max_attempts = 1;  // the rollout polls; every failed read is only "not yet"
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(*kc, copts));
  plan::RealEffects effects;
  staticpod::NetProbe probe;
  staticpod::Seams seams{effects, *client, probe, apiclient::real_clock()};
  auto report = KADM_TRY(renewal::restart_components(renewed, ro, seams));
  std::vector<std::string> names;
  for (const auto& r : report.restarted) names.push_back(r.component);
  spdlog::info(
      "\nDone renewing certificates. Restarted {} (one at a time; each is Ready with a new "
      "container). Their previous manifests are kept in {}.",
      str::join(names, ", "), ro.backup_dir.string());
  return {};
}

Status run_renew(const RenewOptions& o) {
  auto cfg = KADM_TRY(load_init_configuration(o.base));
  plan::RealEffects effects;
  const host::LinuxHost host;
  auto renewed =
      KADM_TRY(renewal::renew_certificates(o.name, cfg, o.kubeconfig_dir, effects, host));
  if (!o.restart.value_or(true)) {
    auto hint = renewal::restart_hint(o.name == "all", renewal::components_to_restart(renewed));
    if (!hint.empty()) spdlog::info("\n{}", hint);
    return {};
  }
  return restart_after_renewal(o, cfg, renewed);
}

const Registrar reg(321, "certs", [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<RenewOptions>();
  auto* certs =
      parent_command(root, "certs", "Commands related to handling Kubernetes certificates");
  auto* cmd = certs->add_subcommand(
      "renew",
      "Renew a certificate (or \"all\") with the CA on disk, keeping its identity and SANs, then "
      "restart the static pods that read it");
  cmd->add_option("name", opts->name,
                  "admin.conf, apiserver, apiserver-etcd-client, apiserver-kubelet-client, "
                  "controller-manager.conf, etcd-healthcheck-client, etcd-peer, etcd-server, "
                  "front-proxy-client, scheduler.conf, super-admin.conf or all")
      ->required();
  add_pki_location_flags(cmd, opts->base, opts->kubeconfig_dir);
  cmd->add_option("--kubeconfig", opts->kubeconfig,
                  "The kubeconfig used to watch the static pods restart (default: admin.conf in "
                  "--kubeconfig-dir)");
  bind_flag(cmd, "--restart", opts->restart,
            "Restart the static pods that read the renewed certificates and wait until they "
            "serve them (default true); --restart=false only renews, as kubeadm does");
  on_run(cmd, ctx, [opts] { return run_renew(*opts); });
});

}  // namespace
}  // namespace kadm::cli
