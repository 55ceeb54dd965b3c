#pragma once
// Kubernetes release versions ("v1.20.9", "1.37.2", "v1.36.0-rc.1").

#include <compare>
#include <string>
#include <string_view>

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

}  // namespace kadm::config
