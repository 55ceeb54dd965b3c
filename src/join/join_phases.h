#pragma once
#include <string>
#include <vector>

#include "join/join_data.h"
#include "workflow/phase.h"

namespace kadm::join {

// The phases of `kadm join`, in kubeadm's order. The control-plane steps do nothing on a worker.
std::vector<workflow::Phase<JoinData>> join_phases();

// The text printed after a worker joined (spec §7.2 step 3).
std::string worker_joined_text();

}  // namespace kadm::join
