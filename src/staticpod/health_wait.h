#pragma once
// The wait-control-plane phase: poll each component's health endpoint (the endpoints of the
// static pods' liveness probes; the apiserver's readiness probe, /readyz) until all answer 200,
// naming whoever is not healthy and its last error when the time runs out, with what the container
// runtime knows about it (state, exit code, restarts, last log lines) when an explainer is given.

#include <functional>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/error.h"
#include "config/types.h"
#include "host/host.h"
#include "patches/patches.h"
#include "staticpod/component_diagnosis.h"

namespace kadm::staticpod {

struct HealthEndpoint {
  std::string component;  // "kube-apiserver"
  std::string url;        // "https://10.0.0.1:6443/readyz"
};

// Derived from the pod specs kadm writes, patches applied, so the checks follow any bind-address
// or port override (host, port or named port, path, scheme). kube-apiserver: its readiness probe,
// /readyz (all post-start hooks, RBAC's roles among them); the others: their liveness probes.
Result<std::vector<HealthEndpoint>> control_plane_health_endpoints(
    const config::InitConfiguration& cfg, const host::Host& host,
    const patches::PatchSet* patches = nullptr);

struct WaitOptions {
  Duration timeout{std::chrono::minutes(4)};
  // Each poll is one local request; a component becomes healthy on average half an interval
  // before it is seen.
  Duration interval{std::chrono::milliseconds(100)};
  // Asked, after the time ran out, about each component that is not healthy; none: only the
  // last error is reported.
  ComponentExplainer explain;
  // Told once per component, from its polling thread, when its endpoint first answers HTTP
  // (whatever the status): the process serves, its start-up work is mostly done.
  std::function<void(const std::string& component)> answered;
};

Status wait_for_healthy(const std::vector<HealthEndpoint>& endpoints, const WaitOptions& options);

}  // namespace kadm::staticpod
