#pragma once
// The phase lists of `kadm upgrade apply` and `kadm upgrade node` (spec-upgrade §2.2, §3).
// Each phase is a function over UpgradeData; the API phases call init's own phase functions on
// the embedded InitData, so an upgraded cluster holds exactly what a new init would create.

#include <vector>

#include "upgrade/upgrade_data.h"
#include "workflow/phase.h"

namespace kadm::upgrade {

std::vector<workflow::Phase<UpgradeData>> apply_phases();
std::vector<workflow::Phase<UpgradeData>> node_phases();

// What apply's control-plane phase renews before it replaces each component (spec-upgrade
// §2.7), "" component = after the last one. Facts as a table, read by tests too.
struct RenewalRow {
  std::string_view component;
  std::string_view certificate;
  bool local_etcd_only;
};
const std::vector<RenewalRow>& renewal_table();
std::vector<std::string> certificates_renewed_before(std::string_view component, bool local_etcd);

// `upgrade plan`'s checks (spec-upgrade §1 steps 2 and 4): root, the CoreDNS checks and the
// cluster health checks apply runs too, with d.target the planned release.
Status run_plan_checks(UpgradeData& d);

// kubeadm's question before apply changes anything; only y/yes (any case) continue.
Status confirm_upgrade(std::istream& in, std::ostream& out);

}  // namespace kadm::upgrade
