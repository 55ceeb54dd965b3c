#pragma once
// Kubernetes release versions ("v1.20.9", "1.37.2", "v1.36.0-rc.1").

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::config {

struct KubeVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string pre;  // "rc.1", "" for releases

  // "v1.20.9"
  std::string str() const;
  // Compares major.minor.patch only.
  auto operator<=>(const KubeVersion& o) const {
    if (auto c = major <=> o.major; c != 0) return c;
    if (auto c = minor <=> o.minor; c != 0) return c;
    return patch <=> o.patch;
  }
  bool operator==(const KubeVersion& o) const {
    return major == o.major && minor == o.minor && patch == o.patch;
  }
  bool at_least(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
};

Result<KubeVersion> parse_kube_version(std::string_view text);

// kubeadm stopped putting the API server's kubelet client certificate in the admin group and
// binds its user to system:kubelet-api-admin instead: v1.37.0, back-ported to v1.36.1 and
// v1.35.5 (kubernetes/kubernetes#138957 and its cherry-picks; the v1.33/v1.34 back-ports'
// patch numbers are not known here, so those minors keep the group).
bool kubelet_client_has_own_binding(const KubeVersion& v);

inline constexpr std::string_view kControlPlaneRole = "node-role.kubernetes.io/control-plane";
inline constexpr std::string_view kMasterRole = "node-role.kubernetes.io/master";
// The NoSchedule taints a control-plane node gets by default: "master" until v1.23, both during
// the rename in v1.24, "control-plane" from v1.25.
std::vector<std::string_view> control_plane_taint_keys(const KubeVersion& v);

}  // namespace kadm::config
