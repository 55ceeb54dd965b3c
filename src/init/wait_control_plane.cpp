#include "init/wait_control_plane.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <thread>

#include "apiclient/curl_client.h"
#include "manifests/pod_specs.h"
#include "output/wait_progress.h"

namespace kadm::init {

namespace {

enum class Check { Liveness, Readiness };

Result<HealthEndpoint> endpoint_of(const manifests::Pod& pod, Check check = Check::Liveness) {
  const auto& probe =
      check == Check::Readiness ? pod.container.readiness_probe : pod.container.liveness_probe;
  if (!probe) {
    return fail("pod " + pod.name + " has no " +
                (check == Check::Readiness ? "readiness" : "liveness") + " probe to check");
  }
  int port = 0;
  if (const int* n = std::get_if<int>(&probe->port)) {
    port = *n;
  } else {
    const auto& name = std::get<std::string>(probe->port);
    for (const auto& p : pod.container.ports) {
      if (p.name == name) port = p.container_port;
    }
    if (port == 0) return fail("pod " + pod.name + " probe names unknown port " + name);
  }
  std::string host = probe->host.empty() ? "127.0.0.1" : probe->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string scheme = probe->scheme == "HTTPS" ? "https" : "http";
  return HealthEndpoint{pod.name, scheme + "://" + host + ":" + std::to_string(port) + probe->path};
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
  auto scheme_end = ep.url.find("://");
  auto path_start = ep.url.find('/', scheme_end + 3);
  std::string server = ep.url.substr(0, path_start);
  std::string path = ep.url.substr(path_start);
  apiclient::CurlClientOptions copts;
  copts.request_timeout = std::chrono::seconds(5);
  copts.connect_timeout = std::chrono::seconds(2);
  copts.retry.max_attempts = 1;
  auto client = apiclient::CurlClient::insecure(server, copts);
  if (!client) {
    out.last_error = client.error().text();
    return out;
  }
  while (true) {
    apiclient::Request req;
    req.method = "GET";
    req.path = path;
    auto r = (*client)->send_raw(req);
    if (r && r->status == 200) {
      out.healthy = true;
      out.took = std::chrono::steady_clock::now() - start;
      return out;
    }
    if (r) {
      std::string body = r->body.substr(0, 300);
      out.last_error = "HTTP " + std::to_string(r->status) + ": " + body;
    } else {
      out.last_error = r.error().text();
    }
    if (std::chrono::steady_clock::now() + options.interval > deadline) return out;
    std::this_thread::sleep_for(options.interval);
  }
}

}  // namespace

Result<std::vector<HealthEndpoint>> control_plane_health_endpoints(
    const config::InitConfiguration& cfg) {
  auto host = manifests::real_host();
  std::vector<HealthEndpoint> out;
  // The API phases that follow need what the apiserver's /readyz covers and /livez does not:
  // every post-start hook done (rbac/bootstrap-roles creates the ClusterRoles admin.conf's
  // binding refers to) and its informers synced, so RBAC sees those roles.
  out.push_back(
      KADM_TRY(endpoint_of(KADM_TRY(manifests::apiserver_pod(cfg, host)), Check::Readiness)));
  out.push_back(KADM_TRY(endpoint_of(KADM_TRY(manifests::controller_manager_pod(cfg, host)))));
  out.push_back(KADM_TRY(endpoint_of(KADM_TRY(manifests::scheduler_pod(cfg, host)))));
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
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
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

}  // namespace kadm::init
