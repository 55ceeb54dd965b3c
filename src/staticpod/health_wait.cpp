#include "staticpod/health_wait.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <thread>
#include <utility>

#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "output/wait_progress.h"
#include "staticpod/probe_url.h"
#include "staticpod/rollout.h"

namespace kadm::staticpod {

namespace {

enum class Check { Liveness, Readiness };

// The liveness (or readiness) probe of the pod's first container, as the kubelet will use it.
Result<HealthEndpoint> endpoint_of(const nlohmann::json& pod, Check check = Check::Liveness) {
  const bool readiness = check == Check::Readiness;
  const std::string name = pod.value("/metadata/name"_json_pointer, "");
  const auto containers = pod.value("/spec/containers"_json_pointer, nlohmann::json::array());
  if (!containers.is_array() || containers.empty() || !containers[0].is_object()) {
    return fail(ErrorKind::Validation, "pod " + name + " has no container to check");
  }
  const auto& c = containers[0];
  const auto get = c.value(
      readiness ? "/readinessProbe/httpGet"_json_pointer : "/livenessProbe/httpGet"_json_pointer,
      nlohmann::json());
  if (!get.is_object()) {
    return fail(ErrorKind::Validation, "pod " + name + " has no HTTP " +
                                           (readiness ? "readiness" : "liveness") +
                                           " probe to check");
  }
  return HealthEndpoint{name, KADM_TRY(probe_url(c, get, "pod " + name))};
}

struct Outcome {
  bool healthy = false;
  std::string last_error;
  std::chrono::steady_clock::duration took{};
};

Outcome poll(const HealthEndpoint& ep, const WaitOptions& options,
             std::chrono::steady_clock::time_point deadline) {
  Outcome out;
  auto start = std::chrono::steady_clock::now();
  NetProbe probe;
  bool answered = false;
  while (true) {
    auto answer = probe.answer(ep.url);
    if (answer && !std::exchange(answered, true) && options.answered) {
      options.answered(ep.component);
    }
    if (answer && answer->status == 200) {
      out.healthy = true;
      out.took = std::chrono::steady_clock::now() - start;
      return out;
    }
    out.last_error = answer ? answer->describe() : answer.error().text();
    if (std::chrono::steady_clock::now() + options.interval > deadline) return out;
    std::this_thread::sleep_for(options.interval);
  }
}

}  // namespace

Result<std::vector<HealthEndpoint>> control_plane_health_endpoints(
    const config::InitConfiguration& cfg, const host::Host& host,
    const patches::PatchSet* patches) {
  std::vector<HealthEndpoint> out;
  // The API phases that follow need what the apiserver's /readyz covers and /livez does not:
  // every post-start hook done (rbac/bootstrap-roles creates the ClusterRoles admin.conf's
  // binding refers to) and its informers synced, so RBAC sees those roles.
  for (auto build :
       {&manifests::apiserver_pod, &manifests::controller_manager_pod, &manifests::scheduler_pod}) {
    auto pod = KADM_TRY(build(cfg, host));
    const auto check = build == &manifests::apiserver_pod ? Check::Readiness : Check::Liveness;
    out.push_back(
        KADM_TRY(endpoint_of(KADM_TRY(manifests::patched_pod(pod, patches, true)), check)));
  }
  return out;
}

Status wait_for_healthy(const std::vector<HealthEndpoint>& endpoints, const WaitOptions& options) {
  spdlog::info(
      "[control-plane-check] Waiting for healthy control plane components. This can take up to {}",
      format_duration(options.timeout));
  for (const auto& ep : endpoints) {
    spdlog::info("[control-plane-check] Checking {} at {}", ep.component, ep.url);
  }
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::vector<std::future<Outcome>> polls;
  for (const auto& ep : endpoints) {
    polls.push_back(
        std::async(std::launch::async, poll, std::cref(ep), std::cref(options), deadline));
  }
  {
    output::WaitProgress progress("[control-plane-check]");
    auto start = std::chrono::steady_clock::now();
    while (true) {
      std::string pending;
      for (size_t i = 0; i < polls.size(); ++i) {
        if (polls[i].wait_for(std::chrono::seconds(0)) == std::future_status::ready) continue;
        pending += (pending.empty() ? "" : ", ") + endpoints[i].component;
      }
      if (pending.empty()) break;
      progress.update(std::chrono::steady_clock::now() - start, pending);
      // Woken by the first pending poll's end, not a fixed sleep: the run goes on as soon as
      // the last component is healthy (a 200 ms sleep cost 100 ms on average).
      for (auto& p : polls) {
        if (p.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) break;
      }
    }
  }
  std::vector<std::string> unhealthy;
  bool explained = false;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    Outcome o = polls[i].get();
    if (o.healthy) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(o.took);
      spdlog::info("[control-plane-check] {} is healthy after {}", endpoints[i].component,
                   format_duration(ms));
    } else {
      std::string u = endpoints[i].component + " is not healthy at " + endpoints[i].url +
                      " (last error: " + o.last_error + ")";
      if (options.explain) {
        auto lines = options.explain(endpoints[i].component);
        explained |= !lines.empty();
        for (const auto& line : lines) u += "\n\t\t" + line;
      }
      unhealthy.push_back(std::move(u));
    }
  }
  if (!unhealthy.empty()) {
    std::string msg = "control plane components did not become healthy within " +
                      format_duration(options.timeout) + ":";
    for (const auto& u : unhealthy) msg += "\n\t" + u;
    if (!explained) {
      msg +=
          "\nCheck the static Pods in the manifests directory and the components' logs (for "
          "example 'crictl ps -a | grep kube' and 'crictl logs CONTAINERID').";
    }
    return fail(ErrorKind::Timeout, msg);
  }
  return {};
}

}  // namespace kadm::staticpod
