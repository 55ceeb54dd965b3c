#pragma once
// What changed in kubeadm's PKI across releases, as one table (spec §1.3, §2, §13). A config
// whose kubernetesVersion does not parse (e.g. "stable-1") gets current behaviour.

#include <string>
#include <vector>

#include "config/types.h"

namespace kadm::certs {

struct VersionRules {
  // PKI minting (until v1.20): CA serial 0 and no backdate; leaves start with the CA and carry
  // no BasicConstraints.
  bool ca_zero_serial = false;
  bool backdate_ca = true;
  bool leaf_not_before_from_ca = false;
  bool leaf_basic_constraints = true;
  // Groups (until v1.28): admins are system:masters, no super-admin.conf, etcd clients in
  // system:masters.
  std::string admin_group;  // O of admin.conf (and of apiserver-kubelet-client, see below)
  // apiserver-kubelet-client carries no group: a ClusterRoleBinding grants its user the kubelet
  // API (config::kubelet_client_has_own_binding).
  bool kubelet_client_without_group = true;
  bool super_admin_conf = true;
  std::vector<std::string> etcd_client_orgs;
  // kubelet.conf points at the local API endpoint (ControlPlaneKubeletLocalMode default).
  bool kubelet_local_mode_default = true;
};

VersionRules rules_for(const config::ClusterConfiguration& cluster);

}  // namespace kadm::certs
