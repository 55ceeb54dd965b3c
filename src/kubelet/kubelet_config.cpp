#include "kubelet/kubelet_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "common/net.h"
#include "common/strings.h"
#include "common/yaml_emit.h"
#include "common/yaml_json.h"

namespace kadm::kubelet {

namespace {

// Kubernetes' layout and typing: keys sorted, scalars typed the way go-yaml types them.
std::string to_yaml(const YAML::Node& node) { return yaml::emit(yaml_to_json(node)); }

}  // namespace

Result<std::string> kubelet_config_yaml(const KubeletConfigInputs& in,
                                        const config::KubeVersion& version) {
  YAML::Node c;
  c["apiVersion"] = "kubelet.config.k8s.io/v1beta1";
  c["kind"] = "KubeletConfiguration";
  c["authentication"]["anonymous"]["enabled"] = false;
  c["authentication"]["webhook"]["cacheTTL"] = "0s";
  c["authentication"]["webhook"]["enabled"] = true;
  c["authentication"]["x509"]["clientCAFile"] = in.client_ca_file;
  c["authorization"]["mode"] = "Webhook";
  c["authorization"]["webhook"]["cacheAuthorizedTTL"] = "0s";
  c["authorization"]["webhook"]["cacheUnauthorizedTTL"] = "0s";
  c["clusterDNS"].push_back(in.cluster_dns);
  c["clusterDomain"] = in.cluster_domain;
  c["healthzBindAddress"] = "127.0.0.1";
  c["healthzPort"] = 10248;
  c["rotateCertificates"] = true;
  c["staticPodPath"] = in.static_pod_path;
  // kubeadm started setting the systemd driver with v1.22; older kubelets used their default.
  if (version.at_least(1, 22)) c["cgroupDriver"] = "systemd";
  // The runtime endpoint moved from a flag into the config with v1.27.
  if (version.at_least(1, 27) && !in.cri_socket.empty()) {
    c["containerRuntimeEndpoint"] = in.cri_socket;
  }
  if (in.systemd_resolved) c["resolvConf"] = "/run/systemd/resolve/resolv.conf";
  if (!in.user_yaml.empty()) {
    try {
      YAML::Node user = YAML::Load(in.user_yaml);
      if (user.IsMap()) yaml_merge_into(c, user);
    } catch (const YAML::Exception& e) {
      return fail(ErrorKind::Validation,
                  std::string("invalid KubeletConfiguration document: ") + e.what());
    }
  }
  return to_yaml(c);
}

Result<KubeletConfigInputs> init_kubelet_inputs(const config::InitConfiguration& cfg) {
  const auto& c = cfg.cluster;
  KubeletConfigInputs in;
  const std::string first_subnet =
      c.networking.service_subnet.substr(0, c.networking.service_subnet.find(','));
  in.cluster_dns = KADM_TRY(net::nth_ip(first_subnet, net::kDnsIpIndex));
  in.cluster_domain = c.networking.dns_domain;
  in.client_ca_file = c.certificates_dir + "/ca.crt";
  in.cri_socket = cfg.node_registration.cri_socket;
  in.user_yaml = cfg.kubelet_config_yaml;
  return in;
}

Result<SwapSettings> swap_settings(const std::string& kubelet_config_yaml) {
  try {
    YAML::Node c = YAML::Load(kubelet_config_yaml);
    SwapSettings s;
    if (!c.IsMap()) return s;
    if (YAML::Node f = c["failSwapOn"]; f && f.IsScalar()) s.fail_swap_on = f.as<bool>();
    if (YAML::Node m = c["memorySwap"];
        m && m.IsMap() && m["swapBehavior"] && m["swapBehavior"].IsScalar()) {
      s.swap_behavior = m["swapBehavior"].as<std::string>();
    }
    return s;
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                std::string("the KubeletConfiguration is not valid (failSwapOn must be true or "
                            "false): ") +
                    e.what());
  }
}

bool server_tls_bootstrap(const std::string& kubelet_config_yaml) {
  if (kubelet_config_yaml.empty()) return false;
  try {
    YAML::Node c = YAML::Load(kubelet_config_yaml);
    return c.IsMap() && c["serverTLSBootstrap"] && c["serverTLSBootstrap"].IsScalar() &&
           c["serverTLSBootstrap"].as<bool>();
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::string kubeadm_flags_env(const config::NodeRegistration& node, const std::string& node_ip,
                              const std::string& pause_image, bool is_control_plane_init,
                              const config::KubeVersion& version, std::string_view hostname) {
  std::vector<std::string> flags;
  if (!version.at_least(1, 24)) {
    // dockershim-era kubelets needed the runtime spelled out on the command line.
    flags.push_back("--container-runtime=remote");
    flags.push_back("--container-runtime-endpoint=" + node.cri_socket);
  } else if (!version.at_least(1, 27)) {
    flags.push_back("--container-runtime-endpoint=" + node.cri_socket);
  }
  if (!node_ip.empty()) flags.push_back("--node-ip=" + node_ip);
  if (!node.name.empty() && node.name != str::lower(str::trim(hostname))) {
    flags.push_back("--hostname-override=" + node.name);
  }
  if (!version.at_least(1, 35) && !pause_image.empty()) {
    flags.push_back("--pod-infra-container-image=" + pause_image);
  }
  // Workers register their taints through the flag; control planes get them from
  // mark-control-plane.
  if (!is_control_plane_init && node.taints && !node.taints->empty()) {
    std::vector<std::string> taints;
    for (const auto& t : *node.taints) {
      taints.push_back(t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect);
    }
    flags.push_back("--register-with-taints=" + str::join(taints, ","));
  }
  for (const auto& a : node.kubelet_extra_args) flags.push_back("--" + a.name + "=" + a.value);
  return "KUBELET_KUBEADM_ARGS=\"" + str::join(flags, " ") + "\"\n";
}

bool has_instance_config(const config::KubeVersion& version) { return version.at_least(1, 34); }

std::string instance_config_yaml(const std::string& cri_socket) {
  return "containerRuntimeEndpoint: \"" + cri_socket + "\"\n";
}

Result<std::string> with_node_runtime_endpoint(const std::string& config_yaml,
                                               const std::string& cri_socket,
                                               const config::KubeVersion& version) {
  if (!version.at_least(1, 27) || cri_socket.empty()) return config_yaml;
  try {
    YAML::Node c = YAML::Load(config_yaml);
    if (!c.IsMap()) {
      return fail(ErrorKind::Validation, "the cluster's KubeletConfiguration is not a mapping");
    }
    if (c["containerRuntimeEndpoint"] &&
        c["containerRuntimeEndpoint"].as<std::string>() == cri_socket) {
      return config_yaml;
    }
    c["containerRuntimeEndpoint"] = cri_socket;
    return to_yaml(c);
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                std::string("the cluster's KubeletConfiguration is not valid YAML: ") + e.what());
  }
}

Result<std::string> patched_kubelet_config(const std::string& config_yaml,
                                           const patches::PatchSet* patches, bool quiet) {
  const auto target = patches::kKubeletConfiguration;
  if (patches == nullptr || !patches->has(target)) return config_yaml;
  nlohmann::json doc;
  try {
    doc = yaml_to_json(YAML::Load(config_yaml));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                std::string("the KubeletConfiguration to patch is not valid YAML: ") + e.what());
  }
  return yaml::emit(KADM_TRY(patches->apply(target, std::move(doc), quiet)));
}

}  // namespace kadm::kubelet
