#include "upgrade/cluster_state.h"

#include <spdlog/spdlog.h>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "clusterobjects/object_rules.h"
#include "clusterobjects/upload_config.h"
#include "common/strings.h"
#include "config/load.h"

namespace kadm::upgrade {

namespace {

using apiclient::member;
using apiclient::text_member;

// The control-plane Pods of one component: version (image tag of container 0) -> node names.
apiclient::ApiResult<VersionNodes> component_versions(apiclient::Client& client,
                                                      std::string_view component) {
  auto list =
      KADM_TRY(client.list("/api/v1/namespaces/kube-system/pods?labelSelector=component%3D" +
                           std::string(component) + "%2Ctier%3Dcontrol-plane"));
  VersionNodes out;
  for (const auto& pod : member(list, "items")) {
    const auto& containers = member(member(pod, "spec"), "containers");
    if (!containers.is_array() || containers.empty()) continue;
    std::string tag = image_tag(text_member(containers.at(0), "image"));
    out[tag].push_back(text_member(member(pod, "spec"), "nodeName"));
  }
  for (auto& [v, nodes] : out) std::ranges::sort(nodes);
  return out;
}

std::string configmap_key(apiclient::Client& client, std::string_view name, std::string_view key) {
  auto cm = apiclient::get_configmap(client, apiclient::kKubeSystem, name);
  if (!cm) return "";
  return text_member(member(*cm, "data"), key);
}

}  // namespace

std::string yaml_api_version(std::string_view yaml) {
  for (const auto& line : str::split(yaml, '\n')) {
    if (line.starts_with("apiVersion:")) return str::trim(line.substr(11));
  }
  return "";
}

Result<ClusterState> read_cluster_state(apiclient::Client& client) {
  ClusterState s;
  auto version = client.get("/version");
  if (!version) {
    return fail(ErrorKind::Api,
                "cannot read the API server's version (/version): " + version.error().text());
  }
  s.api_server_version = text_member(*version, "gitVersion");
  struct Row {
    std::string_view component;
    VersionNodes ClusterState::*nodes;
  };
  static constexpr Row kRows[] = {{"kube-apiserver", &ClusterState::api_server},
                                  {"kube-controller-manager", &ClusterState::controller_manager},
                                  {"kube-scheduler", &ClusterState::scheduler},
                                  {"etcd", &ClusterState::etcd}};
  for (const auto& r : kRows) {
    auto v = component_versions(client, r.component);
    if (!v) {
      return fail(ErrorKind::Api, "cannot list the " + std::string(r.component) +
                                      " Pods in kube-system: " + v.error().text());
    }
    s.*r.nodes = std::move(*v);
  }
  auto nodes = client.list("/api/v1/nodes");
  if (!nodes) return fail(ErrorKind::Api, "cannot list the Nodes: " + nodes.error().text());
  for (const auto& n : member(*nodes, "items")) {
    s.kubelet[text_member(member(member(n, "status"), "nodeInfo"), "kubeletVersion")].push_back(
        text_member(member(n, "metadata"), "name"));
  }
  for (auto& [v, names] : s.kubelet) std::ranges::sort(names);
  if (auto dns = client.get("/apis/apps/v1/namespaces/kube-system/deployments/coredns")) {
    const auto& containers =
        member(member(member(member(*dns, "spec"), "template"), "spec"), "containers");
    if (containers.is_array() && !containers.empty()) {
      s.coredns = image_tag(text_member(containers.at(0), "image"));
    }
  }
  if (auto cluster = cluster_version(s)) {
    auto cfgs = read_component_configs(client, *cluster);
    if (cfgs) {
      s.kubelet_config_api_version = yaml_api_version(cfgs->kubelet_yaml);
      s.kube_proxy_config_api_version = yaml_api_version(cfgs->kube_proxy_yaml);
    }
  }
  return s;
}

Result<config::ClusterConfiguration> read_cluster_configuration(apiclient::Client& client,
                                                                std::string_view prefix) {
  if (!prefix.empty()) {
    spdlog::info(
        "[{}] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace "
        "\"kube-system\"...",
        prefix);
    spdlog::info(
        "[{}] Use 'kadm init phase upload-config kubeadm --config your-config-file' to re-upload "
        "it.",
        prefix);
  }
  auto cm =
      apiclient::get_configmap(client, apiclient::kKubeSystem, clusterobjects::kKubeadmConfigMap);
  if (!cm) {
    if (cm.error().is_not_found()) {
      return fail(ErrorKind::NotFound,
                  "[" + std::string(prefix) +
                      "] In order to upgrade, a ConfigMap called \"kubeadm-config\" in the "
                      "\"kube-system\" namespace must exist; it is made by kadm init (or kubeadm "
                      "init): is this a kubeadm-style cluster?");
    }
    return fail(ErrorKind::Api, "cannot read the kubeadm-config ConfigMap: " + cm.error().text());
  }
  std::string yaml = text_member(member(*cm, "data"), clusterobjects::kClusterConfigurationKey);
  auto loaded = KADM_TRY_CTX(config::load_config_text(yaml, "kubeadm-config"),
                             "the cluster's kubeadm-config ConfigMap");
  for (const auto& w : loaded.warnings) spdlog::warn("[{}] {}", prefix, w);
  if (!loaded.init) {
    return fail(ErrorKind::Validation,
                "the kubeadm-config ConfigMap has no ClusterConfiguration document");
  }
  return loaded.init->cluster;
}

Result<ComponentConfigs> read_component_configs(apiclient::Client& client,
                                                const config::KubeVersion& cluster) {
  ComponentConfigs c;
  auto rules = clusterobjects::object_rules(cluster);
  c.kubelet_yaml = configmap_key(client, clusterobjects::kubelet_config_map_name(rules, cluster),
                                 clusterobjects::kKubeletConfigKey);
  c.kube_proxy_yaml = configmap_key(client, "kube-proxy", "config.conf");
  return c;
}

}  // namespace kadm::upgrade
