#pragma once
// --print-config of `upgrade apply` and `upgrade plan` (spec-upgrade §1 step 5): the
// ClusterConfiguration the command works with, as kubeadm prints it.

#include <string>

#include "config/types.h"

namespace kadm::upgrade {

// "[upgrade/config] Configuration used:" and the v1beta4 ClusterConfiguration document, each of
// its lines after a TAB.
std::string configuration_used(const config::ClusterConfiguration& cfg);

}  // namespace kadm::upgrade
