#include "clusterobjects/upload_config.h"

#include <openssl/evp.h>

#include <array>

#include "apiclient/objects.h"
#include "clusterobjects/rbac.h"
#include "common/constants.h"
#include "common/strings.h"
#include "config/print.h"

namespace kadm::clusterobjects {

namespace {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  // One-shot digest: no OpenSSL object outlives the call.
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  return str::hex_encode(std::string_view(reinterpret_cast<const char*>(md.data()), len));
}

const std::vector<Subject>& node_readers() {
  static const std::vector<Subject> subjects = {
      {"Group", std::string(constants::kNodesGroup), ""},
      {"Group", std::string(constants::kDefaultTokenGroup), ""},
  };
  return subjects;
}

}  // namespace

json object_meta(std::string_view api_version, std::string_view kind, std::string_view ns,
                 std::string_view name) {
  json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

json kubeadm_config_configmap(const config::ClusterConfiguration& cluster) {
  json cm = object_meta("v1", "ConfigMap", apiclient::kKubeSystem, kKubeadmConfigMap);
  cm["data"] = {{kClusterConfigurationKey, config::cluster_configuration_yaml(cluster)}};
  return cm;
}

std::vector<json> kubeadm_config_rbac() {
  const std::string name = "kubeadm:nodes-kubeadm-config";
  return {
      make_role(apiclient::kKubeSystem, name,
                {{{""}, {"configmaps"}, {std::string(kKubeadmConfigMap)}, {"get"}}}),
      make_role_binding(apiclient::kKubeSystem, name, name,
                        {{"Group", std::string(constants::kDefaultTokenGroup), ""},
                         {"Group", std::string(constants::kNodesGroup), ""}}),
  };
}

std::string kubelet_config_map_name(const ObjectRules& rules, const config::KubeVersion& version) {
  if (!rules.versioned_kubelet_config_name) return "kubelet-config";
  return "kubelet-config-" + std::to_string(version.major) + "." + std::to_string(version.minor);
}

json kubelet_config_configmap(std::string_view name, const std::string& kubelet_yaml) {
  json cm = object_meta("v1", "ConfigMap", apiclient::kKubeSystem, name);
  cm["data"] = {{kKubeletConfigKey, kubelet_yaml}};
  cm["metadata"]["annotations"] = {
      {kComponentConfigHashAnnotation, component_config_hash(cm["data"])}};
  return cm;
}

std::vector<json> kubelet_config_rbac(std::string_view configmap_name) {
  const std::string name = "kubeadm:" + std::string(configmap_name);
  return {
      make_role(apiclient::kKubeSystem, name,
                {{{""}, {"configmaps"}, {std::string(configmap_name)}, {"get"}}}),
      make_role_binding(apiclient::kKubeSystem, name, name, node_readers()),
  };
}

std::string component_config_hash(const json& data) {
  // nlohmann keeps object keys sorted, so iteration is kubeadm's sorted-key order.
  std::string all;
  for (const auto& [key, value] : data.items()) {
    if (value.is_string()) all += value.get<std::string>();
  }
  return "sha256:" + sha256_hex(all);
}

}  // namespace kadm::clusterobjects
