#pragma once
// apply's cluster health checks (spec-upgrade §2.3 step 3, kubeadm's phases/upgrade/health.go):
// a Job the cluster must run to completion (CreateJob), every control-plane Node Ready
// (ControlPlaneNodesReady), the static Pod manifests on this node (StaticPodManifest).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "preflight/check.h"
#include "upgrade/upgrade_data.h"

namespace kadm::upgrade {

// kubeadm's facts about the health-check Job.
struct HealthJobFacts {
  std::string_view generate_name = "upgrade-health-check-";
  std::string_view container = "upgrade-health-check";
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{15000};  // to create it, and again for it to complete
  int ttl_seconds_after_finished = 20;       // longer than the wait
  int run_as = 999;                          // user and group
};
inline constexpr HealthJobFacts kHealthJob{};

// The Job: the pause image run with "-v" once, as a non-root user, tolerating the control-plane
// taints `taint_keys` (NoSchedule), never restarted or retried.
nlohmann::json health_check_job(const std::string& pause_image,
                                const std::vector<std::string_view>& taint_keys);

// CreateJob, ControlPlaneNodesReady, StaticPodManifest.
std::vector<preflight::Check> cluster_health_checks(UpgradeData& d);

}  // namespace kadm::upgrade
