#include "certs/version_rules.h"

#include <array>
#include <climits>

#include "common/constants.h"
#include "config/version.h"

namespace kadm::certs {
namespace {

struct Change {
  int max_minor;  // applies to v1.<minor> releases with minor <= max_minor
  void (*apply)(VersionRules&);
};

// Ordered newest first; every row whose max_minor covers the version is applied.
constexpr std::array kChanges{
    Change{32, [](VersionRules& r) { r.kubelet_local_mode_default = false; }},
    Change{28,
           [](VersionRules& r) {
             r.admin_group = std::string(constants::kSystemMasters);
             r.super_admin_conf = false;
             r.etcd_client_orgs = {std::string(constants::kSystemMasters)};
           }},
    Change{20,
           [](VersionRules& r) {
             r.ca_zero_serial = true;
             r.backdate_ca = false;
             r.leaf_not_before_from_ca = true;
             r.leaf_basic_constraints = false;
           }},
};

}  // namespace

VersionRules rules_for(const config::ClusterConfiguration& cluster) {
  VersionRules rules;
  rules.admin_group = std::string(constants::kClusterAdminsGroup);
  auto v = config::parse_kube_version(cluster.kubernetes_version);
  int minor = v && v->major == 1 ? v->minor : INT_MAX;
  for (const auto& change : kChanges) {
    if (minor <= change.max_minor) change.apply(rules);
  }
  rules.kubelet_client_without_group = !v || config::kubelet_client_has_own_binding(*v);
  return rules;
}

}  // namespace kadm::certs
