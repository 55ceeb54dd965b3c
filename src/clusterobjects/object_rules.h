#pragma once
// What the API objects of `kadm init` look like for a Kubernetes minor (spec §6, §13), as one
// row of facts. Builders ask the row; they never compare version numbers themselves.

#include <string_view>
#include <vector>

#include "config/version.h"

namespace kadm::clusterobjects {

struct ObjectRules {
  int minor = 0;
  // ClusterRoleBinding kubeadm:cluster-admins exists (admin.conf is no longer system:masters).
  bool cluster_admins_binding = true;
  // ClusterRoleBinding kubeadm:apiserver-kubelet-client → system:kubelet-api-admin for the API
  // server's kubelet client user (its certificate has no group then).
  bool kubelet_client_binding = true;
  // ConfigMap and Role "kubelet-config-<major>.<minor>" instead of "kubelet-config".
  bool versioned_kubelet_config_name = false;
  // Labels and taints mark-control-plane adds.
  std::vector<std::string_view> control_plane_labels;
  std::vector<std::string_view> control_plane_taint_keys;  // effect NoSchedule each
  // mark-control-plane names the labels as "<label>=''" pairs, the second "(deprecated)".
  bool legacy_labels_message = false;
  // Bootstrap-token messages say "configured" (v1.20) or "Configured".
  bool lower_case_configured = false;
  // CoreDNS: endpointslices rule (else `get nodes`), cache block, pod anti-affinity, the taint
  // key tolerated, and named probe ports.
  bool coredns_endpointslices = true;
  bool coredns_cache_block = true;
  bool coredns_anti_affinity = true;
  std::string_view coredns_control_plane_toleration = "node-role.kubernetes.io/control-plane";
  bool coredns_named_probe_ports = false;
};

using config::kControlPlaneRole;
using config::kMasterRole;
inline constexpr std::string_view kExcludeFromLB =
    "node.kubernetes.io/exclude-from-external-load-balancers";

ObjectRules object_rules(const config::KubeVersion& version);

}  // namespace kadm::clusterobjects
