#include "cri/sandbox_removal.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace kadm::cri {

std::string stop_and_remove_sandbox(const Runtime& runtime, const std::string& sandbox_id,
                                    int attempts, std::chrono::milliseconds pause) {
  std::string last_error = "not tried";
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1 && pause.count() > 0) std::this_thread::sleep_for(pause);
    // containerd 1.6 answers NOT_FOUND to stopping a sandbox gone since the list (the CRI asks
    // for success), and removing it then succeeds.
    if (auto s = runtime.stop_pod_sandbox(sandbox_id);
        !s && s.error().kind() != ErrorKind::NotFound) {
      last_error = "stopping it: " + s.error().text();
      spdlog::debug("[cri] Attempt {} on pod sandbox {}: {}", attempt, sandbox_id, last_error);
      continue;
    }
    if (auto s = runtime.remove_pod_sandbox(sandbox_id); !s) {
      last_error = "removing it: " + s.error().text();
      spdlog::debug("[cri] Attempt {} on pod sandbox {}: {}", attempt, sandbox_id, last_error);
      continue;
    }
    return "";
  }
  return last_error;
}

}  // namespace kadm::cri
