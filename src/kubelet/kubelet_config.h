#pragma once
// The kubelet's files that init and join write (spec §6.2, §7.2, §12.1): the
// KubeletConfiguration in /var/lib/kubelet/config.yaml and the node-specific flags in
// /var/lib/kubelet/kubeadm-flags.env.

#include <string>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "config/version.h"
#include "patches/patches.h"

namespace kadm::kubelet {

struct KubeletConfigInputs {
  std::string cluster_dns;  // 10th IP of the service subnet
  std::string cluster_domain;
  std::string client_ca_file;  // <certificatesDir>/ca.crt
  std::string static_pod_path;
  std::string cri_socket;
  bool systemd_resolved = false;
  // A KubeletConfiguration document from --config, merged over kadm's defaults (may be empty).
  std::string user_yaml;
};

// KubeletConfiguration YAML with kubeadm's defaults, user values winning.
Result<std::string> kubelet_config_yaml(const KubeletConfigInputs& in,
                                        const config::KubeVersion& version);

// The inputs of init's KubeletConfiguration that follow from the configuration alone (the user's
// document included); static_pod_path and systemd_resolved are the caller's.
Result<KubeletConfigInputs> init_kubelet_inputs(const config::InitConfiguration& cfg);

// How a KubeletConfiguration has the kubelet treat swap (the kubelet's defaults where unset).
struct SwapSettings {
  bool fail_swap_on = true;   // failSwapOn: the kubelet refuses to start with swap on
  std::string swap_behavior;  // memorySwap.swapBehavior ("" = the kubelet's default)
};
Result<SwapSettings> swap_settings(const std::string& kubelet_config_yaml);

// Whether a KubeletConfiguration (YAML) asks the cluster for serving certificates
// (serverTLSBootstrap), which the controller manager signs but never approves.
bool server_tls_bootstrap(const std::string& kubelet_config_yaml);

// KUBELET_KUBEADM_ARGS="..." for the node: node-specific flags only in current versions, plus
// the runtime flags v1.20-era kubelets needed. A node name other than the host's `hostname`
// becomes --hostname-override, so the kubelet registers under the name kadm used.
std::string kubeadm_flags_env(const config::NodeRegistration& node, const std::string& node_ip,
                              const std::string& pause_image, bool is_control_plane_init,
                              const config::KubeVersion& version, std::string_view hostname);

// Since v1.34 (kubeadm's NodeLocalCRISocket) each node keeps its own runtime endpoint in
// /var/lib/kubelet/instance-config.yaml, applied over the cluster-wide configuration.
bool has_instance_config(const config::KubeVersion& version);
// instance-config.yaml: only containerRuntimeEndpoint.
std::string instance_config_yaml(const std::string& cri_socket);
// The cluster-wide KubeletConfiguration with this node's runtime endpoint (from v1.27, when the
// endpoint moved from a flag into the configuration); unchanged before or without a socket.
Result<std::string> with_node_runtime_endpoint(const std::string& config_yaml,
                                               const std::string& cri_socket,
                                               const config::KubeVersion& version);

// config.yaml as this node writes it: `config_yaml` with the kubeletconfiguration patches
// applied (the text unchanged when there are none); quiet: without the "[patches]" lines. The
// cluster-wide kubelet-config ConfigMap never carries a node's patches.
Result<std::string> patched_kubelet_config(const std::string& config_yaml,
                                           const patches::PatchSet* patches, bool quiet = false);

}  // namespace kadm::kubelet
