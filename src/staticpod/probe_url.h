#pragma once
// The URL an HTTP probe of a static pod's container checks, as the kubelet resolves it: shared
// by the rollout's health check and the control-plane health wait.

#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace kadm::staticpod {

// `http_get` is the probe's httpGet object, `container` the container it belongs to. The host
// defaults to 127.0.0.1 (bracketed when IPv6); a named port is looked up among the container's
// ports, and a number written as a string is a port too. `what` names the pod in errors
// ("the etcd manifest", "pod etcd-cp1").
Result<std::string> probe_url(const nlohmann::json& container, const nlohmann::json& http_get,
                              const std::string& what);

}  // namespace kadm::staticpod
