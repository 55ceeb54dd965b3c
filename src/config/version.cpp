#include "config/version.h"

#include <charconv>
#include <iterator>

namespace kadm::config {

std::string KubeVersion::str() const {
  std::string s =
      "v" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  return s;
}

Result<KubeVersion> parse_kube_version(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::Validation, "invalid Kubernetes version \"" + std::string(text) +
                                           "\": expected a release such as v1.37.2 or 1.20.9");
  };
  std::string_view s = text;
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  KubeVersion v;
  int* parts[3] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *parts[i]);
    if (ec != std::errc() || ptr == s.data()) return bad();
    s.remove_prefix(static_cast<size_t>(ptr - s.data()));
    if (i < 2) {
      if (s.empty() || s[0] != '.') return bad();
      s.remove_prefix(1);
    }
  }
  if (!s.empty()) {
    if (s[0] != '-' || s.size() < 2) return bad();
    v.pre = std::string(s.substr(1));
    for (char c : v.pre) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return bad();
    }
  }
  return v;
}

bool kubelet_client_has_own_binding(const KubeVersion& v) {
  struct FirstPatch {
    int minor;
    int patch;
  };
  static constexpr FirstPatch kFirst[] = {{35, 5}, {36, 1}, {37, 0}};
  if (v.major != 1) return v.major > 1;
  if (v.minor > kFirst[std::size(kFirst) - 1].minor) return true;
  for (const auto& f : kFirst) {
    if (v.minor == f.minor) return v.patch >= f.patch;
  }
  return false;
}

std::vector<std::string_view> control_plane_taint_keys(const KubeVersion& v) {
  if (v.at_least(1, 25)) return {kControlPlaneRole};
  if (v.at_least(1, 24)) return {kMasterRole, kControlPlaneRole};
  return {kMasterRole};
}

}  // namespace kadm::config
