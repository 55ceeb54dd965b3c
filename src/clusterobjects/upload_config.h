#pragma once
// Objects of init phase upload-config (spec §6.1, §6.2): the kubeadm-config and kubelet-config
// ConfigMaps and the RBAC that lets joining nodes read them. Pure: config in, JSON out.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clusterobjects/object_rules.h"
#include "config/types.h"

namespace kadm::clusterobjects {

using json = nlohmann::json;

inline constexpr std::string_view kKubeadmConfigMap = "kubeadm-config";
inline constexpr std::string_view kClusterConfigurationKey = "ClusterConfiguration";
inline constexpr std::string_view kKubeletConfigKey = "kubelet";
inline constexpr std::string_view kComponentConfigHashAnnotation =
    "kubeadm.kubernetes.io/component-config.hash";

// ConfigMap kube-system/kubeadm-config with the v1beta4 ClusterConfiguration.
json kubeadm_config_configmap(const config::ClusterConfiguration& cluster);
// Role + RoleBinding kubeadm:nodes-kubeadm-config.
std::vector<json> kubeadm_config_rbac();

// "kubelet-config", or "kubelet-config-1.20" for releases that versioned the name.
std::string kubelet_config_map_name(const ObjectRules& rules, const config::KubeVersion& version);
// ConfigMap kube-system/<name> with key "kubelet" and the component-config hash annotation.
json kubelet_config_configmap(std::string_view name, const std::string& kubelet_yaml);
// Role + RoleBinding kubeadm:<name> for system:nodes and the default bootstrap token group.
std::vector<json> kubelet_config_rbac(std::string_view configmap_name);

// "sha256:<hex>" over the ConfigMap's data values in key order (kubeadm's checksum).
std::string component_config_hash(const json& data);

// A v1 object skeleton: apiVersion, kind, metadata.name (+ namespace when not empty).
json object_meta(std::string_view api_version, std::string_view kind, std::string_view ns,
                 std::string_view name);

}  // namespace kadm::clusterobjects
