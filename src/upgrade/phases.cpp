#include "upgrade/phases.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <istream>
#include <ostream>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "apiclient/wait.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/object_rules.h"
#include "clusterobjects/upload_config.h"
#include "common/duration.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/kubelet_start.h"
#include "kubelet/kubelet_config.h"
#include "manifests/images.h"
#include "manifests/version_table.h"
#include "preflight/checks.h"
#include "preflight/cri_checks.h"
#include "preflight/image_pull.h"
#include "preflight/run_checks.h"
#include "renewal/expiration.h"
#include "staticpod/component_diagnosis.h"
#include "staticpod/leader_lease.h"
#include "staticpod/manifest_flags.h"
#include "staticpod/rollout.h"
#include "upgrade/cluster_state.h"
#include "upgrade/coredns_upgrade.h"
#include "upgrade/etcd_recovery.h"
#include "upgrade/health_check.h"
#include "upgrade/node_files.h"
#include "upgrade/policy.h"

namespace kadm::upgrade {

namespace {

using Phase = workflow::Phase<UpgradeData>;
using apiclient::member;
using apiclient::text_member;
using workflow::group;
using workflow::leaf;

std::string timeout_text(Duration d) { return format_duration(d); }

// "kubeadm-backup-manifests-<TS>" -> "<prefix>-<TS>" beside it.
std::filesystem::path sibling_dir(const std::filesystem::path& manifests_backup,
                                  std::string_view prefix) {
  std::string name = manifests_backup.filename().string();
  auto ts = name.substr(std::string_view("kubeadm-backup-manifests-").size());
  return manifests_backup.parent_path() / (std::string(prefix) + "-" + ts);
}

// --- preflight ----------------------------------------------------------------------------

Status pull_images(UpgradeData& d, preflight::Report& report, const preflight::IgnoreSet& ignore) {
  auto images = KADM_TRY(manifests::images(d.init.cfg));
  std::erase_if(images, [](const std::string& i) {
    return i.find("/kube-proxy:") != std::string::npos || i.find("coredns") != std::string::npos;
  });
  const auto& nr = d.init.cfg.node_registration;
  d.init.connect.pull_images(preflight::ImagePullStep{
      images, nr, preflight::make_cri_probe(nr.cri_socket), *d.init.host, ignore, *d.init.out,
      report,
      "[upgrade/preflight] Pulling images required for setting up a Kubernetes cluster\n"
      "[upgrade/preflight] This might take a minute or two, depending on the speed of your "
      "internet connection\n"
      "[upgrade/preflight] You can also perform this action beforehand using 'kadm config images "
      "pull'\n",
      "[dryrun] Would pull the required images (like 'kadm config images pull')\n"});
  return {};
}

// The CoreDNS checks, then the cluster health checks (apply and plan, spec-upgrade §1, §2.3).
Status run_cluster_checks(UpgradeData& d, const preflight::IgnoreSet& ignore,
                          preflight::Report& report) {
  preflight::run_followup_checks(coredns_checks(d), *d.init.host, ignore, *d.init.out, report);
  KADM_TRY(preflight::to_status(report));
  *d.init.out << "[upgrade] Running cluster health checks\n";
  preflight::run_followup_checks(cluster_health_checks(d), *d.init.host, ignore, *d.init.out,
                                 report);
  return preflight::to_status(report);
}

Status run_preflight(UpgradeData& d) {
  auto ignore =
      KADM_TRY(preflight::parse_ignore_list(d.options.ignore_preflight_errors, *d.init.out));
  auto report = preflight::run_checks({preflight::is_privileged_user()}, *d.init.host, ignore,
                                      *d.init.out, "[upgrade/preflight] Running preflight checks");
  KADM_TRY(preflight::to_status(report));
  if (d.options.apply) {
    KADM_TRY(run_cluster_checks(d, ignore, report));
    *d.init.out << "[upgrade/preflight] You have chosen to upgrade the cluster version to \""
                << d.target.str() << "\"\n"
                << "[upgrade/versions] Cluster version: " << d.cluster.str() << "\n"
                << "[upgrade/versions] kadm version: " << KADM_VERSION << " (newest Kubernetes "
                << config::default_kubernetes_version() << ")\n";
    SkewInput in;
    in.cluster = d.cluster;
    in.target = d.target;
    in.newest_known = KADM_TRY(config::parse_kube_version(config::default_kubernetes_version()));
    in.oldest_supported_minor = manifests::kOldestSupportedMinor;
    in.newest_supported_minor = manifests::kNewestSupportedMinor;
    for (const auto& [v, nodes] : d.state.kubelet) {
      auto kv = config::parse_kube_version(v);
      if (!kv) {
        in.kubelets_unknown = true;
        continue;
      }
      for (std::size_t i = 0; i < nodes.size(); ++i) in.kubelets.push_back(*kv);
    }
    in.allow_rc = d.options.allow_rc;
    in.allow_experimental = d.options.allow_experimental;
    auto verdict = classify(check_skew(in));
    if (auto report_text = skew_report(verdict, d.options.force); !report_text.empty()) {
      return fail(ErrorKind::Preflight, report_text);
    }
    if (!verdict.skippable.empty()) {
      spdlog::warn(
          "[upgrade/preflight] Found {} potential version compatibility errors but skipping since "
          "the --force flag is set: ",
          verdict.skippable.size());
      for (const auto& v : verdict.skippable) spdlog::warn("\t- {}", v.message);
    }
    // A dry run changes nothing, so there is nothing to confirm (kubeadm does not ask either).
    if (!d.options.yes && !d.options.force && !d.options.dry_run) {
      KADM_TRY(confirm_upgrade(*d.in, *d.init.out));
    }
  }
  if (d.control_plane) {
    KADM_TRY(pull_images(d, report, ignore));
    KADM_TRY(preflight::to_status(report));
  } else {
    *d.init.out << "[upgrade/preflight] Skipping prepull. Not a control plane node.\n";
  }
  return {};
}

// --- control-plane ------------------------------------------------------------------------

Status renew_for(UpgradeData& d, std::string_view component) {
  if (!d.options.certificate_renewal) return {};
  for (const auto& name :
       certificates_renewed_before(component, d.init.cfg.cluster.etcd.local.has_value())) {
    if (name == "super-admin.conf" &&
        !d.init.host->exists((d.options.kubernetes_dir / name).string())) {
      continue;
    }
    spdlog::info("[upgrade/staticpods] Renewing {} certificate", name);
    if (auto r = renewal::renew_certificates(name, d.init.cfg, d.options.kubernetes_dir,
                                             *d.init.effects, *d.init.host);
        !r) {
      return fail_with(std::move(r), "renewing the " + name + " certificate");
    }
  }
  return {};
}

staticpod::RolloutRequest request_for(UpgradeData& d, const std::string& component,
                                      const std::filesystem::path& backup,
                                      std::optional<std::string> manifest) {
  staticpod::RolloutRequest r;
  r.component = component;
  r.node_name = d.node.name;
  r.manifest_dir = d.manifests_dir();
  r.backup_dir = backup;
  r.new_manifest = std::move(manifest);
  r.timeout = d.options.timeout;
  return r;
}

// Moves back every component replaced before the one that failed; a failed API server does
// not undo an upgraded etcd (kubeadm's rule).
std::string roll_back_replaced(UpgradeData& d, const staticpod::Seams& seams,
                               const std::filesystem::path& backup) {
  std::string errors;
  for (auto it = d.replaced.rbegin(); it != d.replaced.rend(); ++it) {
    if (*it == "etcd") continue;
    spdlog::info("[upgrade/staticpods] Rolling back {} to the manifest in \"{}\"", *it,
                 backup.string());
    auto s = d.init.connect.static_pods.restore(request_for(d, *it, backup, std::nullopt), seams);
    if (!s) errors += "; rolling back " + *it + ": " + s.error().text();
  }
  d.replaced.clear();
  return errors;
}

// After a rollback, the components the failed one took down with it: kube-controller-manager and
// kube-scheduler exit when they lose the API server for longer than their renew deadline, and the
// kubelet's crash back-off can then keep them down for minutes. Each must answer its health URL
// within 20 s and, unless it runs without leader election, its lease must be renewed within 20 s
// (staticpod/leader_lease.h: a process that answers but leads nothing schedules nothing). One
// that does neither is restarted once (a new static Pod starts without the back-off) and gets
// 45 s more for its lease, so apply leaves a working control plane, not only the old files.
std::string restart_stalled_components(UpgradeData& d, const staticpod::Seams& seams,
                                       const std::filesystem::path& backup) {
  using std::chrono::seconds;
  std::string errors;
  for (std::string component : {"kube-controller-manager", "kube-scheduler"}) {
    const auto path = (d.manifests_dir() / (component + ".yaml")).string();
    auto text = d.init.host->read_file(path);
    if (!text) continue;
    bool restarted = false;
    auto restart = [&](const std::string& why) {
      spdlog::info("[upgrade/staticpods] {} {} after the rollback; restarting it", component, why);
      restarted = true;
      auto r = d.init.connect.static_pods.roll_out(request_for(d, component, backup, std::nullopt),
                                                   seams);
      if (!r) errors += "; restarting " + component + ": " + r.error().text();
      return r.has_value();
    };
    if (auto url = staticpod::health_url(*text, component)) {
      apiclient::WaitOptions w{std::chrono::milliseconds(1000), seconds(20), &seams.clock,
                               component + " to answer at " + *url};
      auto answered = apiclient::wait_for(
          [&]() -> Result<bool> {
            KADM_TRY(seams.probe.health(*url));
            return true;
          },
          w);
      if (!answered && !restart("does not answer (" + answered.error().text() + ")")) continue;
    }
    auto flags = staticpod::manifest_flags(*text, path);
    auto lease = flags ? staticpod::leader_lease(*flags, component) : std::nullopt;
    if (!lease) continue;
    auto leads = [&](seconds within) {
      return staticpod::wait_for_lease_renewal(seams.client, *lease, seams.clock, within);
    };
    auto renewed = leads(restarted ? seconds(45) : seconds(20));
    if (!renewed && !restarted) {
      if (!restart("has not renewed its leader-election lease " + lease->text())) continue;
      renewed = leads(seconds(45));
    }
    if (renewed) continue;
    errors += "; " + component + " has not renewed its leader-election lease " + lease->text() +
              " since the rollback (" + renewed.error().text() + "): until a " + component +
              " leads, it acts on nothing";
  }
  return errors;
}

// After a failed etcd rollout (its old manifest is back): kubeadm's wait, then data rollback.
Result<EtcdRecovered> recover_failed_etcd(UpgradeData& d, const std::string& old_manifest,
                                          const std::filesystem::path& data_backup) {
  EtcdRecovery r;
  r.manifest = d.manifests_dir() / "etcd.yaml";
  r.old_manifest = old_manifest;
  r.data_dir = d.init.cfg.cluster.etcd.local->data_dir;
  r.data_backup = data_backup;
  r.health_url = KADM_TRY(staticpod::health_url(old_manifest, "etcd"));
  return recover_etcd(r, *d.init.effects, *d.probe, *d.init.connect.clock);
}

std::string recovered_text(EtcdRecovered how) {
  return how == EtcdRecovered::AnsweredAgain
             ? "the previous etcd is running again"
             : "the etcd data was rolled back and the previous etcd is running again";
}

Status run_control_plane(UpgradeData& d) {
  if (!d.control_plane) {
    spdlog::info("[upgrade/control-plane] Skipping phase. Not a control plane node.");
    return {};
  }
  spdlog::info(
      "[upgrade/control-plane] Upgrading your static Pod-hosted control plane{} to version "
      "\"{}\" (timeout: {})...",
      d.options.apply ? "" : " instance", d.target.str(), timeout_text(d.options.timeout));
  const bool local_etcd = d.init.cfg.cluster.etcd.local.has_value();
  auto manifests =
      KADM_TRY(new_manifests(d.init.cfg, d.init.patch_set(), d.options.etcd_upgrade && local_etcd,
                             *d.init.host, d.manifests_dir()));
  const auto backup =
      staticpod::backup_dir(d.options.kubernetes_dir, std::chrono::system_clock::now());
  staticpod::ComponentExplainer explain =
      staticpod::runtime_explainer(*d.init.host, d.node.cri_socket, d.node.name);
  staticpod::Seams seams{*d.init.effects, *d.reader, *d.probe, *d.init.connect.clock, explain};
  spdlog::info("[upgrade/staticpods] Writing new Static Pod manifests for \"{}\"",
               d.manifests_dir().string());
  const auto etcd_backup = sibling_dir(backup, "kubeadm-backup-etcd");
  for (const auto& m : manifests) {
    const auto path = d.manifests_dir() / (m.component + ".yaml");
    spdlog::info("[upgrade/staticpods] Preparing for \"{}\" upgrade", m.component);
    auto current = d.init.host->read_file(path.string());
    if (!current) {
      return fail_with(
          std::move(current),
          "couldn't upgrade control plane: cannot read the current " + m.component + " manifest");
    }
    if (same_pod(*current, m.yaml)) {
      spdlog::info(
          "[upgrade/staticpods] Current and new manifests of {} are equal, skipping upgrade",
          m.component);
      continue;
    }
    if (m.component == "etcd") {
      auto have = manifest_image_tag(*current);
      auto want = manifest_image_tag(m.yaml);
      if (!have.empty() && !want.empty() && compare_etcd_tags(want, have) < 0) {
        spdlog::info(
            "[upgrade/etcd] Non fatal issue encountered during upgrade: the desired etcd version "
            "\"{}\" is older than the currently installed \"{}\". Skipping etcd upgrade",
            want, have);
        continue;
      }
      const auto& data_dir = d.init.cfg.cluster.etcd.local->data_dir;
      spdlog::info("[upgrade/etcd] Backing up the etcd data in \"{}\" to \"{}\"", data_dir,
                   etcd_backup.string());
      KADM_TRY(d.init.effects->apply(plan::MakeDir{d.tmp_dir(), 0700, true}));
      KADM_TRY(d.init.effects->apply(plan::MakeDir{etcd_backup, 0700, true}));
      KADM_TRY(d.init.effects->apply(plan::RunCommand{
          {"cp", "-a", data_dir, (etcd_backup / "etcd").string()}, "back up the etcd data"}));
    }
    auto renewed = renew_for(d, m.component);
    if (!renewed) {
      auto more = roll_back_replaced(d, seams, backup);
      return fail(ErrorKind::General,
                  "couldn't upgrade control plane. kadm has tried to recover everything into the "
                  "earlier state. Errors faced: " +
                      renewed.error().text() + more);
    }
    auto report =
        d.init.connect.static_pods.roll_out(request_for(d, m.component, backup, m.yaml), seams);
    if (!report && m.component == "etcd") {
      spdlog::info("[upgrade/etcd] Failed to upgrade etcd: {}", report.error().text());
      auto recovered = recover_failed_etcd(d, *current, etcd_backup / "etcd");
      auto stalled = recovered ? restart_stalled_components(d, seams, backup) : std::string();
      return fail(report.error().kind(),
                  "couldn't upgrade control plane: etcd failed to upgrade: " +
                      report.error().text() + "; " +
                      (recovered ? recovered_text(*recovered)
                                 : "etcd could not be recovered: " + recovered.error().text()) +
                      stalled);
    }
    if (!report) {
      auto more = roll_back_replaced(d, seams, backup);
      more += restart_stalled_components(d, seams, backup);
      return fail(report.error().kind(),
                  "couldn't upgrade control plane. kadm has tried to recover everything into the "
                  "earlier state. Errors faced: " +
                      report.error().text() + more + ". The old manifests are kept in \"" +
                      backup.string() + "\"");
    }
    d.replaced.push_back(m.component);
  }
  if (auto s = renew_for(d, ""); !s) {
    auto more = roll_back_replaced(d, seams, backup);
    return fail(ErrorKind::General,
                "couldn't upgrade control plane. kadm has tried to recover everything into the "
                "earlier state. Errors faced: " +
                    s.error().text() + more);
  }
  d.replaced.clear();
  spdlog::info(
      "[upgrade/control-plane] The control plane instance for this node was successfully "
      "upgraded!");
  return {};
}

// --- kubelet-config -----------------------------------------------------------------------

Result<std::string> cluster_kubelet_config(UpgradeData& d) {
  // apply's upload-config stores exactly this (a dry run's only says it would), so apply writes
  // it without reading it back; upgrade node follows what apply stored.
  if (d.options.apply) return init::kubelet_config_for(d.init);
  auto rules = clusterobjects::object_rules(d.target);
  std::string name = clusterobjects::kubelet_config_map_name(rules, d.target);
  auto cm = apiclient::get_configmap(*d.reader, apiclient::kKubeSystem, name);
  if (!cm) {
    return fail(ErrorKind::Api, "cannot read the " + name + " ConfigMap: " + cm.error().text());
  }
  std::string yaml = text_member(member(*cm, "data"), clusterobjects::kKubeletConfigKey);
  if (yaml.empty()) {
    return fail(ErrorKind::Validation, "the " + name + " ConfigMap has no \"kubelet\" key");
  }
  return yaml;
}

Status run_kubelet_config(UpgradeData& d) {
  const auto& socket = d.node.cri_socket;
  std::string yaml = KADM_TRY(
      kubelet::with_node_runtime_endpoint(KADM_TRY(cluster_kubelet_config(d)), socket, d.target));
  yaml = KADM_TRY(kubelet::patched_kubelet_config(yaml, d.init.patch_set()));
  const auto dir = d.options.kubelet_dir;
  const auto backup =
      sibling_dir(staticpod::backup_dir(d.options.kubernetes_dir, std::chrono::system_clock::now()),
                  "kubeadm-kubelet-config");
  std::vector<plan::Action> actions;
  if (auto old = d.init.host->read_file((dir / "config.yaml").string())) {
    spdlog::info("[upgrade] Backing up kubelet config file to {}/config.yaml", backup.string());
    actions.push_back(plan::MakeDir{d.tmp_dir(), 0700, true});
    actions.push_back(plan::MakeDir{backup, 0700, true});
    actions.push_back(plan::WriteFile{backup / "config.yaml", *old, 0644, false});
  }
  // kubeadm-flags.env as the target's kubelet wants it; the runtime endpoint moves into
  // instance-config.yaml where the release has one.
  const bool instance = kubelet::has_instance_config(d.target) &&
                        !d.init.host->exists((dir / "instance-config.yaml").string());
  if (auto env = d.init.host->read_file((dir / "kubeadm-flags.env").string())) {
    std::string moved;
    std::string next = upgraded_flags_env(*env, instance, moved);
    if (next != *env) {
      spdlog::info("[kubelet-start] Writing kubelet environment file with flags to file \"{}\"",
                   (dir / "kubeadm-flags.env").string());
      actions.push_back(plan::WriteFile{dir / "kubeadm-flags.env", next, 0644, false});
    }
  }
  if (instance) {
    spdlog::info("[kubelet-start] Writing kubelet configuration to file \"{}\"",
                 (dir / "instance-config.yaml").string());
    actions.push_back(plan::WriteFile{dir / "instance-config.yaml",
                                      kubelet::instance_config_yaml(socket), 0644, false});
  }
  spdlog::info("[kubelet-start] Writing kubelet configuration to file \"{}\"",
               (dir / "config.yaml").string());
  actions.push_back(plan::WriteFile{dir / "config.yaml", yaml, 0644, false});
  KADM_TRY(d.init.effects->apply_all(actions));
  spdlog::info(
      "[upgrade/kubelet-config] The kubelet configuration for this node was successfully "
      "upgraded!");
  return {};
}

// --- bootstrap-token, addons ----------------------------------------------------------------

Status run_bootstrap_token_rbac(UpgradeData& d) {
  spdlog::info("[upgrade/bootstrap-token] Configuring bootstrap token and cluster-info RBAC rules");
  auto* client = KADM_TRY(init::api_client(d.init));
  auto rules = clusterobjects::object_rules(d.target);
  for (const auto& grant : clusterobjects::node_bootstrap_rbac(rules.lower_case_configured,
                                                               rules.kubelet_client_binding)) {
    KADM_TRY(init::apply_objects(*client, grant.objects));
    spdlog::info("[bootstrap-token] {}", grant.message);
  }
  return init::apply_objects(*client, clusterobjects::cluster_info_rbac());
}

// Addons move with the last control plane: nodes whose API server runs another image hold
// them back (kubeadm's rule).
Result<bool> addons_may_move(UpgradeData& d, std::string_view addon) {
  if (!d.control_plane) {
    spdlog::info("[upgrade/addon] Skipping the addon/{} phase. Not a control plane node.", addon);
    return false;
  }
  auto pods = d.reader->list(
      "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver");
  if (!pods) {
    return fail(ErrorKind::Api, "cannot list the kube-apiserver Pods: " + pods.error().text());
  }
  std::string mine;
  std::map<std::string, std::string> image_of;
  for (const auto& p : member(*pods, "items")) {
    const auto& containers = member(member(p, "spec"), "containers");
    if (!containers.is_array() || containers.empty()) continue;
    std::string node = text_member(member(p, "spec"), "nodeName");
    image_of[node] = text_member(containers.at(0), "image");
  }
  const std::string want = manifests::kubernetes_image(d.init.cfg.cluster, "kube-apiserver");
  std::vector<std::string> behind;
  for (const auto& [node, image] : image_of) {
    if (image != want) behind.push_back(node);
  }
  // A dry run replaced no API server, so this node's mirror pod still runs the old image: its
  // preview goes on to show the addons it would apply (through the run's dry-run client).
  if (!behind.empty() && !d.options.dry_run) {
    spdlog::info(
        "[upgrade/addon] Skipping upgrade of addons because control plane instances [{}] have not "
        "been upgraded",
        str::join(behind, " "));
    return false;
  }
  return true;
}

Status run_addon_coredns(UpgradeData& d) {
  if (d.init.cfg.cluster.dns.disabled) {
    spdlog::info("[upgrade/addon] Skipping the addon/coredns phase. The addon is disabled.");
    return {};
  }
  if (!KADM_TRY(addons_may_move(d, "coredns"))) return {};
  return upgrade_coredns_addon(d);
}

Status run_addon_kube_proxy(UpgradeData& d) {
  if (d.init.cfg.cluster.proxy.disabled) {
    spdlog::info("[upgrade/addon] Skipping the addon/kube-proxy phase. The addon is disabled.");
    return {};
  }
  if (!KADM_TRY(addons_may_move(d, "kube-proxy"))) return {};
  auto objects = KADM_TRY(init::kube_proxy_addon_objects(d.init, false));
  auto* client = KADM_TRY(init::api_client(d.init));
  KADM_TRY(init::apply_objects(*client, objects));
  spdlog::info("[addons] Applied essential addon: kube-proxy");
  return {};
}

Phase addon_phase() {
  return group<UpgradeData>(
      "addon", "Upgrade the default kubeadm addons", "Upgrade all the addons",
      {leaf<UpgradeData>("coredns", "Upgrade the CoreDNS addon", run_addon_coredns),
       leaf<UpgradeData>("kube-proxy", "Upgrade the kube-proxy addon", run_addon_kube_proxy)});
}

Phase preflight_phase(std::string help) {
  return leaf<UpgradeData>("preflight", std::move(help), run_preflight);
}

Phase control_plane_phase() {
  return leaf<UpgradeData>("control-plane", "Upgrade the control plane", run_control_plane);
}

Phase kubelet_config_phase() {
  return leaf<UpgradeData>("kubelet-config",
                           "Upgrade the kubelet configuration for this node by downloading it "
                           "from the kubelet-config ConfigMap stored in the cluster",
                           run_kubelet_config);
}

}  // namespace

const std::vector<RenewalRow>& renewal_table() {
  static const std::vector<RenewalRow> rows = {
      {"etcd", "etcd-server", true},
      {"etcd", "etcd-peer", true},
      {"etcd", "etcd-healthcheck-client", true},
      {"kube-apiserver", "apiserver", false},
      {"kube-apiserver", "apiserver-kubelet-client", false},
      {"kube-apiserver", "front-proxy-client", false},
      {"kube-apiserver", "apiserver-etcd-client", true},
      {"kube-controller-manager", "controller-manager.conf", false},
      {"kube-scheduler", "scheduler.conf", false},
      {"", "admin.conf", false},
      {"", "super-admin.conf", false},
  };
  return rows;
}

std::vector<std::string> certificates_renewed_before(std::string_view component, bool local_etcd) {
  std::vector<std::string> out;
  for (const auto& r : renewal_table()) {
    if (r.component == component && (local_etcd || !r.local_etcd_only)) {
      out.emplace_back(r.certificate);
    }
  }
  return out;
}

Status run_plan_checks(UpgradeData& d) {
  auto ignore =
      KADM_TRY(preflight::parse_ignore_list(d.options.ignore_preflight_errors, *d.init.out));
  auto report = preflight::run_checks({preflight::is_privileged_user()}, *d.init.host, ignore,
                                      *d.init.out, "[preflight] Running pre-flight checks");
  KADM_TRY(preflight::to_status(report));
  return run_cluster_checks(d, ignore, report);
}

Status confirm_upgrade(std::istream& in, std::ostream& out) {
  out << "[upgrade] Are you sure you want to proceed? [y/N]: " << std::flush;
  std::string line;
  if (!std::getline(in, line)) {
    return fail(ErrorKind::General,
                "no answer on standard input: pass -y (or --yes) to upgrade without asking");
  }
  auto answer = str::lower(str::trim(line));
  if (answer == "y" || answer == "yes") return {};
  return fail(ErrorKind::General,
              "won't proceed; the user didn't answer (Y|y) in order to continue");
}

std::vector<workflow::Phase<UpgradeData>> apply_phases() {
  std::vector<Phase> phases;
  phases.push_back(preflight_phase("Run preflight checks before upgrade"));
  phases.push_back(control_plane_phase());
  auto upload = group<UpgradeData>(
      "upload-config", "Upload the kubeadm and kubelet configurations to ConfigMaps",
      "Upload all the configurations to ConfigMaps",
      {leaf<UpgradeData>("kubeadm", "Upload the kubeadm ClusterConfiguration to a ConfigMap",
                         [](UpgradeData& d) { return init::run_upload_config_kubeadm(d.init); }),
       leaf<UpgradeData>("kubelet", "Upload the kubelet configuration to a ConfigMap",
                         [](UpgradeData& d) { return init::run_upload_config_kubelet(d.init); })});
  upload.aliases = {"uploadconfig"};
  phases.push_back(std::move(upload));
  phases.push_back(kubelet_config_phase());
  auto token =
      leaf<UpgradeData>("bootstrap-token", "Configures bootstrap token and cluster-info RBAC rules",
                        run_bootstrap_token_rbac);
  token.aliases = {"bootstraptoken"};
  phases.push_back(std::move(token));
  phases.push_back(addon_phase());
  return phases;
}

std::vector<workflow::Phase<UpgradeData>> node_phases() {
  std::vector<Phase> phases;
  phases.push_back(preflight_phase("Run upgrade node pre-flight checks"));
  phases.push_back(control_plane_phase());
  phases.push_back(kubelet_config_phase());
  phases.push_back(addon_phase());
  return phases;
}

}  // namespace kadm::upgrade
