#pragma once
#include <vector>

#include "init/init_data.h"
#include "workflow/phase.h"

namespace kadm::init {

// The phases of `kadm init`, in kubeadm's current order. Certificate and kubeconfig sub-phases
// are generated from their tables.
std::vector<workflow::Phase<InitData>> init_phases();

}  // namespace kadm::init
