// `kadm upgrade plan` and `kadm upgrade diff` (spec-upgrade §1, §4), the `upgrade` parent, and
// what the upgrade subcommands share (upgrade_common.h).

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "apiclient/kubeconfig_reader.h"
#include "common/fs.h"
#include "common/yaml_emit.h"
#include "config/defaults.h"
#include "flag_binders.h"
#include "host/linux_host.h"
#include "manifests/pod_specs.h"
#include "parent_command.h"
#include "registry.h"
#include "runenv/environment.h"
#include "upgrade/cluster_state.h"
#include "upgrade/diff.h"
#include "upgrade/node_files.h"
#include "upgrade/phases.h"
#include "upgrade/plan.h"
#include "upgrade/print_config.h"
#include "upgrade_common.h"

namespace kadm::cli {
namespace upgrade_cli {

bool is_control_plane_node() {
  return fs::exists(kKubernetesDir / "manifests" / "kube-apiserver.yaml").value_or(false);
}

std::string cluster_kubeconfig(const UpgradeFlags& f, bool control_plane) {
  return apiclient::resolve_kubeconfig_path(
      f.kubeconfig, (kKubernetesDir / (control_plane ? "admin.conf" : "kubelet.conf")).string());
}

Result<std::unique_ptr<apiclient::Client>> cluster_client(const UpgradeFlags& f,
                                                          bool control_plane) {
  return runenv::real_connectors().api(cluster_kubeconfig(f, control_plane), kClusterCallTimeout);
}

Result<config::KubeVersion> parse_target(const std::string& text) {
  if (config::is_version_label(text)) {
    return config::parse_kube_version(config::default_kubernetes_version());
  }
  return config::parse_kube_version(text);
}

void add_common(CLI::App* app, UpgradeFlags& f) {
  bind_text(app, "--kubeconfig", f.kubeconfig,
            "The kubeconfig file to use when talking to the cluster (default "
            "\"/etc/kubernetes/admin.conf\")");
}

void add_allow(CLI::App* app, UpgradeFlags& f) {
  bind_flag(app, "--allow-experimental-upgrades", f.allow_experimental,
            "Allow upgrading to an alpha/beta/release candidate version of Kubernetes");
  bind_flag(app, "--allow-release-candidate-upgrades", f.allow_rc,
            "Allow upgrading to a release candidate version of Kubernetes");
}

void add_print_config(CLI::App* app, UpgradeFlags& f) {
  bind_flag(app, "--print-config", f.print_config,
            "Print the ClusterConfiguration the command works with (TAB-indented YAML) before it "
            "goes on");
}

}  // namespace upgrade_cli

namespace {

using namespace upgrade_cli;

// --- plan ---------------------------------------------------------------------------------

Status run_plan(const UpgradeFlags& f) {
  if (f.output != "text" && f.output != "json" && f.output != "yaml") {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + f.output + "\": use one of text, json, yaml");
  }
  auto client = KADM_TRY(cluster_client(f, true));
  auto cluster_cfg = KADM_TRY(upgrade::read_cluster_configuration(*client, "upgrade/config"));
  if (f.print_config.value_or(false)) {
    // -o json|yaml keeps stdout for the plan document.
    (f.output == "text" ? std::cout : std::cerr) << upgrade::configuration_used(cluster_cfg);
  }
  spdlog::info("[upgrade] Fetching available versions to upgrade to");
  upgrade::PlanInputs in;
  in.state = KADM_TRY(upgrade::read_cluster_state(*client));
  in.newest_known = KADM_TRY(config::parse_kube_version(config::default_kubernetes_version()));
  in.cluster_config = cluster_cfg;
  if (!f.version.empty()) in.requested = KADM_TRY(parse_target(f.version));
  auto plan = KADM_TRY(upgrade::compute_plan(in));
  if (plan.refusal.empty()) {
    // The checks apply would run first, against the planned release (kubeadm's plan runs them).
    UpgradeFlags checked = f;
    checked.version = plan.target.str();
    checked.print_config = false;
    ClusterReads reads{std::move(client), cluster_cfg, in.state};
    KADM_TRY(upgrade::run_plan_checks(*KADM_TRY(make_upgrade_data(checked, true, true, &reads))));
  }
  spdlog::info("[upgrade/versions] Cluster version: {}", plan.cluster.str().substr(1));
  spdlog::info("[upgrade/versions] kadm version: {} (newest Kubernetes {})", KADM_VERSION,
               config::default_kubernetes_version());
  spdlog::info("[upgrade/versions] Target version: {}", plan.target.str());
  if (f.output == "json") {
    std::cout << upgrade::plan_json(plan).dump(4) << "\n";
  } else if (f.output == "yaml") {
    std::cout << yaml::emit(nlohmann::json(upgrade::plan_json(plan)));
  } else {
    std::cout << "\n" << upgrade::plan_text(plan);
  }
  if (!plan.refusal.empty()) {
    return fail(in.requested ? ErrorKind::Validation : ErrorKind::General, plan.refusal);
  }
  return {};
}

// --- diff ---------------------------------------------------------------------------------

Status run_diff(const UpgradeFlags& f) {
  struct Row {
    std::string component;
    std::string path;
  };
  const std::vector<Row> rows = {{"kube-apiserver", f.api_server_manifest},
                                 {"kube-controller-manager", f.controller_manager_manifest},
                                 {"kube-scheduler", f.scheduler_manifest}};
  for (const auto& r : rows) {
    if (r.path.empty())
      return fail(ErrorKind::Validation, "empty manifest path for " + r.component);
    std::error_code ec;
    if (!std::filesystem::exists(r.path, ec)) {
      return fail(ErrorKind::Validation, "the " + r.component + " manifest " + r.path +
                                             " does not exist (see --help for the flag naming it)");
    }
    if (std::filesystem::is_directory(r.path, ec)) {
      return fail(ErrorKind::Validation, r.path + " is a directory, not a manifest");
    }
  }
  auto client = KADM_TRY(cluster_client(f, true));
  auto cluster_cfg = KADM_TRY(upgrade::read_cluster_configuration(*client, "upgrade/diff"));
  auto version =
      KADM_TRY(parse_target(f.version.empty() ? cluster_cfg.kubernetes_version : f.version));
  auto host = std::make_unique<host::LinuxHost>();
  auto node =
      KADM_TRY(upgrade::read_node_identity(*host, kKubernetesDir, "/var/lib/kubelet", true));
  auto cfg = upgrade::node_configuration(cluster_cfg, version, node, "", "");
  auto manifests =
      KADM_TRY(upgrade::new_manifests(cfg, nullptr, false, *host, kKubernetesDir / "manifests"));
  for (const auto& r : rows) {
    auto current = KADM_TRY(fs::read_file(r.path));
    for (const auto& m : manifests) {
      if (m.component != r.component) continue;
      std::cout << upgrade::unified_diff(current, m.yaml, r.path, "new manifest", f.context_lines);
    }
  }
  return {};
}

const Registrar reg(40, "upgrade", [](CLI::App& root, Context& ctx) {
  auto* upgrade = parent_command(
      root, "upgrade", "Upgrade your cluster smoothly to a newer version with this command");

  auto plan_flags = std::make_shared<UpgradeFlags>();
  auto* plan = upgrade->add_subcommand(
      "plan",
      "Check which versions are available to upgrade to and validate whether your "
      "current cluster is upgradeable");
  plan->add_option("version", plan_flags->version,
                   "The version to plan for (default: kadm's newest)");
  add_common(plan, *plan_flags);
  add_allow(plan, *plan_flags);
  add_print_config(plan, *plan_flags);
  bind_list(plan, "--ignore-preflight-errors", plan_flags->ignore_preflight_errors,
            "A list of checks whose errors will be shown as warnings, or 'all'");
  plan->add_option("-o,--output", plan_flags->output,
                   "Output format: text (default), json or yaml");
  plan->callback([&ctx, plan_flags] {
    if (plan_flags->output != "text") ctx.human_to_stderr = true;
    if (!ctx.action) ctx.action = [plan_flags] { return run_plan(*plan_flags); };
  });

  auto diff_flags = std::make_shared<UpgradeFlags>();
  auto* diff = upgrade->add_subcommand(
      "diff", "Show what differences would be applied to existing static pod manifests");
  diff->add_option("version", diff_flags->version,
                   "The version to compare with (default: the cluster's)");
  add_common(diff, *diff_flags);
  diff->add_option("--api-server-manifest", diff_flags->api_server_manifest,
                   "path to API server manifest");
  diff->add_option("--controller-manager-manifest", diff_flags->controller_manager_manifest,
                   "path to controller manifest");
  diff->add_option("--scheduler-manifest", diff_flags->scheduler_manifest,
                   "path to scheduler manifest");
  diff->add_option("-c,--context-lines", diff_flags->context_lines,
                   "How many lines of context in the diff");
  on_run(diff, ctx, [diff_flags] { return run_diff(*diff_flags); });
});

}  // namespace
}  // namespace kadm::cli
