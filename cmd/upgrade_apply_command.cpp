// `kadm upgrade apply` and `kadm upgrade node` (spec-upgrade §2, §3): flags → the cluster's
// state and configuration → the phase workflows of src/upgrade/phases.h.

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "config/defaults.h"
#include "config/load.h"
#include "flag_binders.h"
#include "init/api_client.h"
#include "init/init_patches.h"
#include "parent_command.h"
#include "phase_commands.h"
#include "registry.h"
#include "staticpod/rollout.h"
#include "upgrade/cluster_state.h"
#include "upgrade/node_files.h"
#include "upgrade/phases.h"
#include "upgrade/print_config.h"
#include "upgrade_common.h"

namespace kadm::cli {
namespace {

using namespace upgrade_cli;

// --config for apply: a ClusterConfiguration replaces the stored one (kadm's way to change the
// cluster's configuration during an upgrade); timeouts.upgradeManifests of an InitConfiguration
// bounds each component's wait.
struct ApplyConfig {
  std::optional<config::ClusterConfiguration> cluster;
  Duration upgrade_manifests{};
};
Result<ApplyConfig> load_apply_config(const std::optional<std::string>& path) {
  ApplyConfig out;
  if (!path) return out;
  auto loaded = KADM_TRY(config::load_config_file(*path));
  for (const auto& w : loaded.warnings) spdlog::warn("[config] {}", w);
  if (loaded.init && loaded.has_cluster_config) out.cluster = loaded.init->cluster;
  if (loaded.init) out.upgrade_manifests = loaded.init->timeouts.upgrade_manifests;
  if (!loaded.has_cluster_config && !loaded.has_init_config) {
    return fail(ErrorKind::Validation,
                *path +
                    " has neither a ClusterConfiguration nor an InitConfiguration document; "
                    "kadm upgrade reads only those");
  }
  return out;
}

}  // namespace

namespace upgrade_cli {

Result<std::unique_ptr<upgrade::UpgradeData>> make_upgrade_data(const UpgradeFlags& f, bool apply,
                                                                bool planning,
                                                                ClusterReads* reads) {
  auto d = std::make_unique<upgrade::UpgradeData>();
  auto& o = d->options;
  o.apply = apply;
  o.dry_run = f.dry_run.value_or(false);
  o.force = f.force.value_or(false);
  o.yes = f.yes.value_or(false);
  o.etcd_upgrade = f.etcd_upgrade.value_or(true);
  o.certificate_renewal = f.certificate_renewal.value_or(true);
  o.allow_rc = f.allow_rc.value_or(false);
  o.allow_experimental = f.allow_experimental.value_or(false);
  o.ignore_preflight_errors = f.ignore_preflight_errors.value_or(std::vector<std::string>{});
  set_run_environment(d->init, o.dry_run, planning && f.output != "text");
  d->control_plane = is_control_plane_node();
  if (apply && !d->control_plane) {
    return fail(ErrorKind::Validation,
                std::string(planning ? "kadm upgrade plan" : "kadm upgrade apply") +
                    " runs on a control-plane node (" +
                    (kKubernetesDir / "manifests" / "kube-apiserver.yaml").string() +
                    " does not exist); on other nodes run kadm upgrade node");
  }
  if (apply && f.version.empty()) {
    return fail(ErrorKind::Validation,
                "missing the version to upgrade to: kadm upgrade apply vX.Y.Z (see kadm upgrade "
                "plan)");
  }
  auto extra = KADM_TRY(load_apply_config(f.config_path));
  if (extra.upgrade_manifests.count() > 0) o.timeout = extra.upgrade_manifests;

  config::ClusterConfiguration cluster_cfg;
  if (reads) {
    d->reader = std::move(reads->reader);
    cluster_cfg = reads->cluster_cfg;
  } else {
    d->reader = KADM_TRY(cluster_client(f, d->control_plane));
    cluster_cfg =
        KADM_TRY(upgrade::read_cluster_configuration(*d->reader, planning ? "" : "upgrade"));
  }
  if (extra.cluster) cluster_cfg = *extra.cluster;
  if (d->control_plane) {
    d->state = reads ? std::move(reads->state) : KADM_TRY(upgrade::read_cluster_state(*d->reader));
    d->cluster = KADM_TRY(upgrade::cluster_version(d->state));
  } else {
    d->cluster = KADM_TRY(config::parse_kube_version(cluster_cfg.kubernetes_version));
  }
  if (apply) {
    d->target = KADM_TRY(parse_target(f.version));
  } else {
    // upgrade node follows what apply stored.
    d->target = KADM_TRY_CTX(config::parse_kube_version(cluster_cfg.kubernetes_version),
                             "the kubernetesVersion stored in kubeadm-config");
  }
  d->node = KADM_TRY(upgrade::read_node_identity(*d->init.host, o.kubernetes_dir, o.kubelet_dir,
                                                 d->control_plane));
  auto stored = KADM_TRY(upgrade::read_component_configs(*d->reader, d->cluster));
  d->init.cfg = upgrade::node_configuration(cluster_cfg, d->target, d->node, stored.kubelet_yaml,
                                            stored.kube_proxy_yaml);
  if (apply && !planning && f.print_config.value_or(false)) {
    *d->init.out << upgrade::configuration_used(d->init.cfg.cluster);
  }
  d->init.cfg.dry_run = o.dry_run;
  d->init.cfg.patches_directory = f.patches.value_or("");
  d->init.version = d->target;
  d->init.options.kubeconfig_dir = o.kubernetes_dir;
  d->init.options.kubelet_dir = o.kubelet_dir;
  d->init.options.ignore_preflight_errors = o.ignore_preflight_errors;
  KADM_TRY(init::load_init_patches(d->init));
  // The writer of init's API phases: the cluster's, or (--dry-run) one that only says.
  d->init.api =
      KADM_TRY(d->init.connect.api(cluster_kubeconfig(f, d->control_plane), kClusterCallTimeout));
  d->probe = std::make_unique<staticpod::NetProbe>();
  d->in = &std::cin;
  return d;
}

}  // namespace upgrade_cli

namespace {

const workflow::Workflow<upgrade::UpgradeData>& apply_workflow() {
  static const workflow::Workflow<upgrade::UpgradeData> wf(upgrade::apply_phases());
  return wf;
}
const workflow::Workflow<upgrade::UpgradeData>& node_workflow() {
  static const workflow::Workflow<upgrade::UpgradeData> wf(upgrade::node_phases());
  return wf;
}

Status run_upgrade(const UpgradeFlags& flags, bool apply, const std::string& filter) {
  auto data = KADM_TRY(run_phase_workflow<upgrade::UpgradeData>(
      apply ? apply_workflow() : node_workflow(), filter, flags.skip_phases,
      [&](std::vector<std::string>&) { return make_upgrade_data(flags, apply, false); }));
  if (!filter.empty()) return {};
  auto& out = *data->init.out;
  if (data->options.dry_run) {
    out << "[upgrade/successful] Finished dryrunning successfully!\n";
  } else if (apply) {
    out << "\n[upgrade] SUCCESS! A control plane node of your cluster was upgraded to \""
        << data->target.str() << "\".\n\n"
        << "[upgrade] Now please proceed with upgrading the rest of the nodes by following the "
           "right order.\n";
  } else {
    out << "[upgrade] The configuration for this node was successfully upgraded to \""
        << data->target.str() << "\".\n"
        << "[upgrade] Now upgrade the kubelet binary (your package manager's kubelet package) and "
           "restart it: systemctl daemon-reload && systemctl restart kubelet\n";
  }
  return {};
}

void add_apply_node_flags(CLI::App* app, UpgradeFlags& f, bool apply) {
  add_common(app, f);
  bind_flag(app, "--dry-run", f.dry_run, "Do not change any state, just output what would be done");
  bind_flag(app, "--etcd-upgrade", f.etcd_upgrade,
            "Perform the upgrade of etcd (default true; --etcd-upgrade=false to keep it)");
  bind_flag(app, "--certificate-renewal", f.certificate_renewal,
            "Perform the renewal of certificates used by components changed during upgrades "
            "(default true)");
  bind_text(app, "--patches", f.patches,
            "Path to a directory that contains files named "
            "\"target[suffix][+patchtype].extension\" (as kadm init)");
  bind_list(app, "--ignore-preflight-errors", f.ignore_preflight_errors,
            "A list of checks whose errors will be shown as warnings, or 'all'");
  bind_list(app, "--skip-phases", f.skip_phases, "List of phases to be skipped");
  if (apply) {
    app->add_option("version", f.version, "The Kubernetes version to upgrade to (vX.Y.Z)");
    bind_flag(app, "-y,--yes", f.yes, "Perform the upgrade and do not prompt for confirmation");
    bind_flag(app, "-f,--force", f.force,
              "Force upgrading although some requirements might not be met (implies --yes)");
    bind_text(app, "--config", f.config_path,
              "A kadm configuration file: its ClusterConfiguration replaces the stored one, an "
              "InitConfiguration's timeouts.upgradeManifests bounds each component's wait");
    add_allow(app, f);
    add_print_config(app, f);
  }
}

const Registrar reg(41, "upgrade", [](CLI::App& root, Context& ctx) {
  auto* upgrade = parent_command(
      root, "upgrade", "Upgrade your cluster smoothly to a newer version with this command");

  auto apply_flags = std::make_shared<UpgradeFlags>();
  add_workflow_command<upgrade::UpgradeData>(
      *upgrade, ctx, "apply", "Upgrade your Kubernetes cluster to the specified version",
      apply_workflow(),
      [apply_flags](CLI::App* app) { add_apply_node_flags(app, *apply_flags, true); },
      [apply_flags](const std::string& filter) { return run_upgrade(*apply_flags, true, filter); });

  auto node_flags = std::make_shared<UpgradeFlags>();
  add_workflow_command<upgrade::UpgradeData>(
      *upgrade, ctx, "node", "Upgrade commands for a node in the cluster", node_workflow(),
      [node_flags](CLI::App* app) { add_apply_node_flags(app, *node_flags, false); },
      [node_flags](const std::string& filter) { return run_upgrade(*node_flags, false, filter); });
});

}  // namespace
}  // namespace kadm::cli
