#include "upgrade/health_check.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "common/strings.h"
#include "init/api_client.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::upgrade {

namespace {

using apiclient::member;
using apiclient::text_member;
using json = nlohmann::json;

// The control-plane taints of the release the cluster runs and of the one it moves to (the
// Nodes keep the taints their init gave them).
std::vector<std::string_view> taints_to_tolerate(const UpgradeData& d) {
  auto keys = config::control_plane_taint_keys(d.cluster);
  for (auto k : config::control_plane_taint_keys(d.target)) {
    if (std::ranges::find(keys, k) == keys.end()) keys.push_back(k);
  }
  return keys;
}

preflight::Findings run_create_job(UpgradeData& d) {
  auto nodes = d.reader->list("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse&limit=1");
  if (!nodes) {
    return preflight::error(
        "could not check if there is at least one Node that can schedule a test Pod: " +
        nodes.error().text());
  }
  const auto& items = member(*nodes, "items");
  if (!items.is_array() || items.empty()) {
    spdlog::warn(
        "The preflight check \"CreateJob\" was skipped because there are no schedulable Nodes in "
        "the cluster.");
    return {};
  }
  auto row = manifests::version_row(d.target);
  if (!row) return preflight::error(row.error().text());
  auto job =
      health_check_job(manifests::pause_image(d.init.cfg.cluster, *row), taints_to_tolerate(d));
  auto client = init::api_client(d.init);
  if (!client) return preflight::error(client.error().text());
  apiclient::JobRunOptions o;
  o.interval = kHealthJob.interval;
  o.create_timeout = kHealthJob.timeout;
  o.complete_timeout = kHealthJob.timeout;
  o.clock = d.init.connect.clock;
  o.log_tag = "upgrade/health";
  auto ran = d.init.connect.run_job(**client, job, o);
  if (!ran) return preflight::error(ran.error().text());
  if (!ran->empty()) {
    spdlog::info("[upgrade/health] The Job \"{}\" in namespace \"kube-system\" completed", *ran);
  }
  return {};
}

preflight::Check create_job(UpgradeData& d) {
  return preflight::Check{
      "CreateJob", preflight::Severity::Error,
      [&d](const host::Host&) { return run_create_job(d); }, std::nullopt,
      "kubectl -n kube-system get events shows why a Pod of the cluster cannot be scheduled, "
      "pulled or run"};
}

preflight::Check control_plane_nodes_ready(UpgradeData& d) {
  return preflight::Check{
      "ControlPlaneNodesReady", preflight::Severity::Error,
      [&d](const host::Host&) -> preflight::Findings {
        auto nodes =
            d.reader->list("/api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane");
        if (!nodes)
          return preflight::error("cannot list the control-plane Nodes: " + nodes.error().text());
        std::vector<std::string> not_ready;
        for (const auto& n : member(*nodes, "items")) {
          if (!apiclient::condition_true(n, "Ready")) {
            not_ready.push_back(text_member(member(n, "metadata"), "name"));
          }
        }
        if (not_ready.empty()) return {};
        return preflight::error("there are NotReady control-planes in the cluster: [" +
                                str::join(not_ready, " ") + "]");
      },
      std::nullopt, "make every control-plane Node Ready before upgrading"};
}

preflight::Check static_pod_manifests(UpgradeData& d) {
  return preflight::Check{
      "StaticPodManifest", preflight::Severity::Error,
      [&d](const host::Host& host) -> preflight::Findings {
        preflight::Findings f;
        for (std::string_view c : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
          auto p = d.manifests_dir() / (std::string(c) + ".yaml");
          if (!host.exists(p.string())) {
            f.errors.push_back("the static Pod manifest " + p.string() +
                               " does not exist; upgrade runs on a control-plane node, not from a "
                               "remote machine");
          }
        }
        return f;
      },
      std::nullopt, "run kadm upgrade apply on a control-plane node made by kadm init or join"};
}

}  // namespace

json health_check_job(const std::string& pause_image,
                      const std::vector<std::string_view>& taint_keys) {
  json tolerations = json::array();
  for (auto key : taint_keys) tolerations.push_back({{"key", key}, {"effect", "NoSchedule"}});
  json pod_spec = {
      {"restartPolicy", "Never"},
      {"securityContext",
       {{"runAsUser", kHealthJob.run_as},
        {"runAsGroup", kHealthJob.run_as},
        {"runAsNonRoot", true}}},
      {"tolerations", tolerations},
      {"containers", json::array({{{"name", kHealthJob.container},
                                   {"image", pause_image},
                                   {"args", json::array({"-v"})}}})},
  };
  return {
      {"apiVersion", "batch/v1"},
      {"kind", "Job"},
      {"metadata",
       {{"generateName", kHealthJob.generate_name}, {"namespace", apiclient::kKubeSystem}}},
      {"spec",
       {{"backoffLimit", 0},
        {"ttlSecondsAfterFinished", kHealthJob.ttl_seconds_after_finished},
        {"template", {{"spec", pod_spec}}}}},
  };
}

std::vector<preflight::Check> cluster_health_checks(UpgradeData& d) {
  return {create_job(d), control_plane_nodes_ready(d), static_pod_manifests(d)};
}

}  // namespace kadm::upgrade
