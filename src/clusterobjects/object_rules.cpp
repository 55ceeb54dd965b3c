#include "clusterobjects/object_rules.h"

#include <array>

namespace kadm::clusterobjects {

namespace {

// Rows by the first minor they apply to; a version takes the last row at or below its minor.
ObjectRules v120() {
  ObjectRules r;
  r.minor = 20;
  r.cluster_admins_binding = false;
  r.versioned_kubelet_config_name = true;
  r.control_plane_labels = {kMasterRole, kControlPlaneRole};
  r.lower_case_configured = true;
  r.legacy_labels_message = true;
  r.coredns_endpointslices = false;
  r.coredns_cache_block = false;
  r.coredns_anti_affinity = false;
  r.coredns_control_plane_toleration = kMasterRole;
  return r;
}

ObjectRules v121() {
  ObjectRules r = v120();
  r.minor = 21;
  r.lower_case_configured = false;
  r.coredns_endpointslices = true;
  return r;
}

// UnversionedKubeletConfigMap on by default, master label gone.
ObjectRules v124() {
  ObjectRules r = v121();
  r.minor = 24;
  r.versioned_kubelet_config_name = false;
  r.legacy_labels_message = false;
  r.control_plane_labels = {kControlPlaneRole, kExcludeFromLB};
  r.coredns_control_plane_toleration = kControlPlaneRole;
  return r;
}

ObjectRules v125() {
  ObjectRules r = v124();
  r.minor = 25;
  r.coredns_anti_affinity = true;
  return r;
}

ObjectRules v129() {
  ObjectRules r = v125();
  r.minor = 29;
  r.cluster_admins_binding = true;
  r.coredns_cache_block = true;
  return r;
}

ObjectRules v135() {
  ObjectRules r = v129();
  r.minor = 35;
  r.coredns_named_probe_ports = true;
  return r;
}

}  // namespace

ObjectRules object_rules(const config::KubeVersion& version) {
  static const std::array rows = {v120(), v121(), v124(), v125(), v129(), v135()};
  ObjectRules chosen = rows.front();
  for (const auto& r : rows) {
    if (version.at_least(1, r.minor)) chosen = r;
  }
  chosen.kubelet_client_binding = config::kubelet_client_has_own_binding(version);
  chosen.control_plane_taint_keys = config::control_plane_taint_keys(version);
  return chosen;
}

}  // namespace kadm::clusterobjects
