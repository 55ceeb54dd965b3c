#pragma once
// A freshly started kube-apiserver serves requests before its post-start hook
// `rbac/bootstrap-roles` has created the default ClusterRoles. Until then (and until its RBAC
// informers have seen them) a user bound to `cluster-admin` is refused with 403
// "RBAC: clusterrole.rbac.authorization.k8s.io "cluster-admin" not found". A re-run of init
// right after a killed one, or a fast first run, reaches the API in that window.
// RbacBootstrapRetry sends such a refused call again, for a bounded time; every other answer,
// other 403s included, is returned at once. A 403 is an authorization refusal: the request was
// not carried out, so sending it again is safe for any method.

#include <memory>

#include "apiclient/client.h"
#include "apiclient/clock.h"

namespace kadm::apiclient {

// A 403 whose reason is a Role or ClusterRole that RBAC could not find.
bool is_rbac_role_not_found(const ApiError& error);

class RbacBootstrapRetry final : public Client {
 public:
  // `timeout` bounds the waiting of one call; `clock` null: the real clock.
  RbacBootstrapRetry(std::unique_ptr<Client> inner, Duration timeout, Clock* clock = nullptr,
                     Duration interval = Duration{100});

  ApiResult<json> send(const Request& request) override;
  // Passed through: a refused watch is the caller's to retry (it reads, then watches again).
  ApiResult<bool> watch(const Request& request, const WatchHandler& on_event) override;

 private:
  std::unique_ptr<Client> m_inner;
  Duration m_timeout;
  Clock* m_clock;
  Duration m_interval;
};

}  // namespace kadm::apiclient
