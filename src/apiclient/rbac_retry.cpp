#include "apiclient/rbac_retry.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace kadm::apiclient {

bool is_rbac_role_not_found(const ApiError& error) {
  if (!error.is_forbidden()) return false;
  // The RBAC authorizer's reason, as the apiserver appends it to the Status message:
  //   ...: RBAC: clusterrole.rbac.authorization.k8s.io "cluster-admin" not found
  // (several roles are listed in brackets, separated by commas).
  const std::string& m = error.message();
  auto rbac = m.find("RBAC: ");
  if (rbac == std::string::npos) return false;
  auto role = m.find("role.rbac.authorization.k8s.io \"", rbac);
  return role != std::string::npos && m.find("\" not found", role) != std::string::npos;
}

RbacBootstrapRetry::RbacBootstrapRetry(std::unique_ptr<Client> inner, Duration timeout,
                                       Clock* clock, Duration interval)
    : m_inner(std::move(inner)),
      m_timeout(timeout),
      m_clock(clock ? clock : &real_clock()),
      m_interval(interval) {}

ApiResult<bool> RbacBootstrapRetry::watch(const Request& request, const WatchHandler& on_event) {
  return m_inner->watch(request, on_event);
}

ApiResult<json> RbacBootstrapRetry::send(const Request& request) {
  const auto deadline = m_clock->now() + m_timeout;
  bool said = false;
  for (;;) {
    auto r = m_inner->send(request);
    if (r || !is_rbac_role_not_found(r.error())) return r;
    auto now = m_clock->now();
    if (now >= deadline) {
      ApiError e = std::move(r).error();
      e.with_context(
          "the API server's RBAC roles were still missing after " + format_duration(m_timeout) +
          " (its post-start hook rbac/bootstrap-roles has not finished; see its /readyz)");
      return std::unexpected(std::move(e));
    }
    if (!said) {
      spdlog::debug("[api] {} {}: RBAC has not bootstrapped its roles yet; retrying",
                    request.method, request.path);
      said = true;
    }
    m_clock->sleep_for(std::min(m_interval, std::chrono::duration_cast<Duration>(deadline - now)));
  }
}

}  // namespace kadm::apiclient
