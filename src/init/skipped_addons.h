#pragma once
// kubeadm's rule for skipped addon phases: skipping `addon` (or `addon/coredns`,
// `addon/kube-proxy`) disables that addon in the ClusterConfiguration the run uses, so preflight
// pulls no image for it, and the configuration init uploads records it (dns.disabled,
// proxy.disabled), so a later `kadm upgrade apply` does not install what init left out (a
// cluster whose CNI replaces kube-proxy, for example).

#include <string>
#include <vector>

#include "common/error.h"
#include "init/init_data.h"
#include "workflow/runner.h"

namespace kadm::init {

// `skip`: the phases this run skips (--skip-phases, else the configuration's skipPhases), read
// as the workflow reads them ("addon/all", "Addon/" and "addon" name the same subtree).
Status disable_skipped_addons(const workflow::Workflow<InitData>& wf,
                              const std::vector<std::string>& skip,
                              config::ClusterConfiguration& cluster);

}  // namespace kadm::init
