#include <yaml-cpp/yaml.h>

#include "apiclient/objects.h"
#include "clusterobjects/addons.h"
#include "clusterobjects/rbac.h"
#include "clusterobjects/upload_config.h"
#include "common/constants.h"
#include "common/yaml_emit.h"
#include "common/yaml_json.h"

namespace kadm::clusterobjects {

namespace {

constexpr std::string_view kKubeProxy = "kube-proxy";
constexpr std::string_view kConfigDir = "/var/lib/kube-proxy";
constexpr std::string_view kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

json kube_proxy_daemonset(const KubeProxyInputs& in) {
  const json labels = {{"k8s-app", kKubeProxy}};
  json ds = object_meta("apps/v1", "DaemonSet", apiclient::kKubeSystem, kKubeProxy);
  ds["metadata"]["labels"] = labels;
  json container = {
      {"name", kKubeProxy},
      {"image", in.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"command",
       {"/usr/local/bin/kube-proxy", "--config=" + std::string(kConfigDir) + "/config.conf",
        "--hostname-override=$(NODE_NAME)"}},
      {"env", json::array({{{"name", "NODE_NAME"},
                            {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}}})},
      {"securityContext", {{"privileged", true}}},
      {"volumeMounts",
       json::array(
           {{{"name", "kube-proxy"}, {"mountPath", kConfigDir}},
            {{"name", "xtables-lock"}, {"mountPath", "/run/xtables.lock"}, {"readOnly", false}},
            {{"name", "lib-modules"}, {"mountPath", "/lib/modules"}, {"readOnly", true}}})},
  };
  json pod_spec = {
      {"priorityClassName", "system-node-critical"},
      {"hostNetwork", true},
      {"serviceAccountName", kKubeProxy},
      {"tolerations", json::array({{{"operator", "Exists"}}})},
      {"nodeSelector", {{"kubernetes.io/os", "linux"}}},
      {"containers", json::array({container})},
      {"volumes",
       json::array({{{"name", "kube-proxy"}, {"configMap", {{"name", kKubeProxy}}}},
                    {{"name", "xtables-lock"},
                     {"hostPath", {{"path", "/run/xtables.lock"}, {"type", "FileOrCreate"}}}},
                    {{"name", "lib-modules"}, {"hostPath", {{"path", "/lib/modules"}}}}})},
  };
  ds["spec"] = {
      {"selector", {{"matchLabels", labels}}},
      {"updateStrategy", {{"type", "RollingUpdate"}}},
      {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}},
  };
  return ds;
}

}  // namespace

std::string kube_proxy_config_yaml(const KubeProxyInputs& in) {
  json cfg = {
      {"apiVersion", "kubeproxy.config.k8s.io/v1alpha1"},
      {"kind", "KubeProxyConfiguration"},
      {"bindAddress", in.ipv6 ? "::" : "0.0.0.0"},
      {"clientConnection", {{"kubeconfig", std::string(kConfigDir) + "/kubeconfig.conf"}}},
  };
  if (!in.pod_subnet.empty()) cfg["clusterCIDR"] = in.pod_subnet;
  // The loader parsed the document already; what is left to fail here is nothing.
  if (!in.user_yaml.empty()) cfg.merge_patch(yaml_to_json(YAML::Load(in.user_yaml)));
  return yaml::emit(cfg);
}

std::string kube_proxy_kubeconfig(const std::string& control_plane_url) {
  json kc = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       json::array({{{"name", "default"},
                     {"cluster",
                      {{"certificate-authority", std::string(kServiceAccountDir) + "/ca.crt"},
                       {"server", control_plane_url}}}}})},
      {"contexts",
       json::array({{{"name", "default"},
                     {"context",
                      {{"cluster", "default"}, {"namespace", "default"}, {"user", "default"}}}}})},
      {"current-context", "default"},
      {"users",
       json::array({{{"name", "default"},
                     {"user", {{"tokenFile", std::string(kServiceAccountDir) + "/token"}}}}})},
  };
  return yaml::emit(kc);
}

std::vector<json> kube_proxy_objects(const KubeProxyInputs& in) {
  json cm = object_meta("v1", "ConfigMap", apiclient::kKubeSystem, kKubeProxy);
  cm["metadata"]["labels"] = {{"app", kKubeProxy}};
  cm["data"] = {{"config.conf", kube_proxy_config_yaml(in)},
                {"kubeconfig.conf", kube_proxy_kubeconfig(in.control_plane_url)}};
  cm["metadata"]["annotations"] = {
      {kComponentConfigHashAnnotation,
       component_config_hash(json{{"config.conf", cm["data"]["config.conf"]}})}};
  return {
      object_meta("v1", "ServiceAccount", apiclient::kKubeSystem, kKubeProxy),
      make_cluster_role_binding(
          "kubeadm:node-proxier", "system:node-proxier",
          {{"ServiceAccount", std::string(kKubeProxy), std::string(apiclient::kKubeSystem)}}),
      make_role(apiclient::kKubeSystem, kKubeProxy,
                {{{""}, {"configmaps"}, {std::string(kKubeProxy)}, {"get"}}}),
      make_role_binding(apiclient::kKubeSystem, kKubeProxy, kKubeProxy,
                        {{"Group", std::string(constants::kDefaultTokenGroup), ""}}),
      cm,
      kube_proxy_daemonset(in),
  };
}

}  // namespace kadm::clusterobjects
