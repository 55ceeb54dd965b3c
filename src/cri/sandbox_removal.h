#pragma once
// Stopping and removing one pod sandbox (and so its containers), as reset and init's take-back do.

#include <chrono>
#include <string>

#include "cri/runtime.h"

namespace kadm::cri {

// Stop, then remove, up to `attempts` times `pause` apart (either failing starts again). "" once
// it is gone, else the last error. A sandbox gone since it was listed is not a failure.
std::string stop_and_remove_sandbox(const Runtime& runtime, const std::string& sandbox_id,
                                    int attempts, std::chrono::milliseconds pause);

}  // namespace kadm::cri
