#pragma once
// The kubelet's files that init and join write (spec §6.2, §7.2, §12.1): the
// KubeletConfiguration in /var/lib/kubelet/config.yaml and the node-specific flags in
// /var/lib/kubelet/kubeadm-flags.env.

#include <string>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "config/version.h"

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

// KUBELET_KUBEADM_ARGS="..." for the node: node-specific flags only in current versions, plus
// the runtime flags v1.20-era kubelets needed.
std::string kubeadm_flags_env(const config::NodeRegistration& node, const std::string& node_ip,
                              const std::string& pause_image, bool is_control_plane_init,
                              const config::KubeVersion& version);

}  // namespace kadm::kubelet
