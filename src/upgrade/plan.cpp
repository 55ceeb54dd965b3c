#include "upgrade/plan.h"

#include <algorithm>

#include "manifests/version_table.h"
#include "upgrade/tabwriter.h"

namespace kadm::upgrade {

namespace {

// The component configs kadm writes and the version it writes them in.
struct ComponentConfigRow {
  std::string_view group;
  std::string_view preferred;
  std::string ClusterState::*current;
};
constexpr ComponentConfigRow kComponentConfigs[] = {
    {"kubeproxy.config.k8s.io", "v1alpha1", &ClusterState::kube_proxy_config_api_version},
    {"kubelet.config.k8s.io", "v1beta1", &ClusterState::kubelet_config_api_version},
};

// The control-plane components apply replaces on this node, in kubeadm's row order.
struct ControlPlaneRow {
  std::string_view name;
  VersionNodes ClusterState::*nodes;
};
constexpr ControlPlaneRow kControlPlaneRows[] = {
    {"kube-apiserver", &ClusterState::api_server},
    {"kube-controller-manager", &ClusterState::controller_manager},
    {"kube-scheduler", &ClusterState::scheduler},
};

void add_rows(std::vector<PlanComponent>& out, std::string_view name, const VersionNodes& nodes,
              const std::string& target) {
  for (const auto& [version, names] : nodes) {
    for (const auto& n : names) out.push_back({std::string(name), n, version, target});
  }
}

std::string without_v(const config::KubeVersion& v) { return v.str().substr(1); }

std::string version_of_api_version(const std::string& api_version) {
  auto slash = api_version.rfind('/');
  return slash == std::string::npos ? api_version : api_version.substr(slash + 1);
}

}  // namespace

std::string image_tag(std::string_view image) {
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return "";
  }
  std::string tag(image.substr(colon + 1));
  std::ranges::replace(tag, '_', '+');
  return tag;
}

Result<config::KubeVersion> cluster_version(const ClusterState& state) {
  std::optional<config::KubeVersion> best;
  if (!state.api_server_version.empty()) {
    if (auto v = config::parse_kube_version(state.api_server_version)) best = *v;
  }
  for (const auto& [version, nodes] : state.api_server) {
    auto v = config::parse_kube_version(version);
    if (v && (!best || *v > *best)) best = *v;
  }
  if (!best) {
    return fail(ErrorKind::Api,
                "cannot tell the cluster's version: the API server's /version and the "
                "kube-apiserver Pods' images name no Kubernetes release");
  }
  return *best;
}

Result<UpgradePlan> compute_plan(const PlanInputs& in) {
  UpgradePlan plan;
  plan.cluster = KADM_TRY(cluster_version(in.state));
  plan.target = in.requested.value_or(in.newest_known);
  const int gap = plan.target.minor - plan.cluster.minor;
  if (plan.target.major != plan.cluster.major || gap > 1) {
    if (in.requested) {
      plan.refusal = "Specified version to upgrade to \"" + plan.target.str() +
                     "\" is too high: the cluster runs " + plan.cluster.str() +
                     " and kadm upgrades only 1 minor version at a time; upgrade to a v1." +
                     std::to_string(plan.cluster.minor + 1) + " release first";
    } else {
      plan.refusal = "kadm's newest release " + plan.target.str() + " is " + std::to_string(gap) +
                     " minor versions above the cluster's " + plan.cluster.str() +
                     " and kadm upgrades only 1 minor version at a time; name a v1." +
                     std::to_string(plan.cluster.minor + 1) + " release: kadm upgrade plan v1." +
                     std::to_string(plan.cluster.minor + 1) + ".<patch>";
    }
    return plan;
  }
  if (plan.target < plan.cluster) {
    plan.refusal = "Specified version \"" + plan.target.str() + "\" is older than the cluster's " +
                   plan.cluster.str() + "; upgrade plan shows upgrades only";
    return plan;
  }
  auto row = KADM_TRY(manifests::version_row(plan.target));
  plan.description = gap == 0 ? "version in the v" + std::to_string(plan.target.major) + "." +
                                    std::to_string(plan.target.minor) + " series"
                              : "stable version";
  const std::string target = plan.target.str();

  for (const auto& [version, nodes] : in.state.kubelet) {
    if (version == target) continue;
    for (const auto& n : nodes) plan.kubelets.push_back({"kubelet", n, version, target});
  }
  for (const auto& r : kControlPlaneRows)
    add_rows(plan.automatic, r.name, in.state.*r.nodes, target);
  const auto& c = in.cluster_config;
  if (!c.proxy.disabled) {
    plan.automatic.push_back({"kube-proxy", "", without_v(plan.cluster), target});
  }
  std::string coredns = c.dns.image_tag.empty() ? std::string(row.coredns_tag) : c.dns.image_tag;
  if (!c.dns.disabled) plan.automatic.push_back({"CoreDNS", "", in.state.coredns, coredns});
  if (!c.etcd.external) {
    std::string etcd = c.etcd.local && !c.etcd.local->image_tag.empty() ? c.etcd.local->image_tag
                                                                        : std::string(row.etcd_tag);
    add_rows(plan.automatic, "etcd", in.state.etcd, etcd);
  }
  plan.up_to_date =
      plan.kubelets.empty() && std::ranges::all_of(plan.automatic, [](const auto& p) {
        return p.current == p.target || (p.name == "kube-proxy" && "v" + p.current == p.target);
      });
  for (const auto& cc : kComponentConfigs) {
    std::string current = version_of_api_version(in.state.*cc.current);
    plan.configs.push_back({std::string(cc.group), current, std::string(cc.preferred),
                            !current.empty() && current != cc.preferred});
  }
  return plan;
}

std::string plan_text(const UpgradePlan& plan, std::string_view command) {
  const std::string separator = std::string(69, '_') + "\n\n";
  if (!plan.refusal.empty()) return plan.refusal + "\n";
  if (plan.up_to_date) {
    return "The cluster runs " + plan.target.str() + " on every node: nothing to upgrade.\n";
  }
  std::string out;
  out +=
      "Components that must be upgraded manually after you have upgraded the control plane with "
      "'" +
      std::string(command) + " upgrade apply':\n";
  TabWriter manual;
  manual.row({"COMPONENT", "NODE", "CURRENT", "TARGET"});
  for (const auto& k : plan.kubelets) manual.row({k.name, k.node, k.current, k.target});
  out += manual.str() + "\n";
  out += "Upgrade to the latest " + plan.description + ":\n\n";
  TabWriter automatic;
  automatic.row({"COMPONENT", "NODE", "CURRENT", "TARGET"});
  for (const auto& c : plan.automatic) automatic.row({c.name, c.node, c.current, c.target});
  out += automatic.str() + "\n";
  out += "You can now apply the upgrade by executing the following command:\n\n\t" +
         std::string(command) + " upgrade apply " + plan.target.str() +
         (plan.target.pre.empty()             ? ""
          : plan.target.pre.starts_with("rc") ? " --allow-release-candidate-upgrades"
                                              : " --allow-experimental-upgrades") +
         "\n\n" + separator;
  out +=
      "Component configs as stored in the cluster and the versions this release of " +
      std::string(command) +
      " writes.\nA \"yes\" under MANUAL UPGRADE REQUIRED means the stored config is in a version "
      "that must be\nconverted by hand (or reset to the defaults) before the upgrade; the version "
      "to convert it to\nis the PREFERRED VERSION.\n\n";
  TabWriter configs;
  configs.row({"API GROUP", "CURRENT VERSION", "PREFERRED VERSION", "MANUAL UPGRADE REQUIRED"});
  for (const auto& c : plan.configs) {
    configs.row({c.group, c.current.empty() ? "-" : c.current, c.preferred,
                 c.manual_upgrade_required ? "yes" : "no"});
  }
  out += configs.str() + separator;
  return out;
}

nlohmann::ordered_json plan_json(const UpgradePlan& plan) {
  nlohmann::ordered_json out;
  out["apiVersion"] = "output.kubeadm.k8s.io/v1alpha3";
  out["kind"] = "UpgradePlan";
  if (plan.refusal.empty() && !plan.up_to_date) {
    nlohmann::ordered_json components = nlohmann::ordered_json::array();
    auto add = [&](const PlanComponent& c) {
      nlohmann::ordered_json j;
      j["name"] = c.name;
      j["currentVersion"] = c.current;
      j["newVersion"] = c.target;
      if (!c.node.empty()) j["nodeName"] = c.node;
      components.push_back(std::move(j));
    };
    for (const auto& c : plan.kubelets) add(c);
    for (const auto& c : plan.automatic) add(c);
    nlohmann::ordered_json upgrade;
    upgrade["description"] = plan.description;
    upgrade["components"] = std::move(components);
    out["availableUpgrades"] = nlohmann::ordered_json::array({std::move(upgrade)});
  }
  if (!plan.configs.empty()) {
    nlohmann::ordered_json configs = nlohmann::ordered_json::array();
    for (const auto& c : plan.configs) {
      nlohmann::ordered_json j;
      j["group"] = c.group;
      j["currentVersion"] = c.current;
      j["preferredVersion"] = c.preferred;
      j["manualUpgradeRequired"] = c.manual_upgrade_required;
      configs.push_back(std::move(j));
    }
    out["configVersions"] = std::move(configs);
  }
  return out;
}

}  // namespace kadm::upgrade
