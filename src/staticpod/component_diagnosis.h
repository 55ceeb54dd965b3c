#pragma once
// Why a control-plane component is not healthy, as the container runtime sees it. On a node
// whose kubelet runs the static pods, each component is a container labelled by the kubelet
// (io.kubernetes.pod.namespace=kube-system, io.kubernetes.pod.name=<component>-<node name>,
// io.kubernetes.container.name=<component>); its newest container's state, exit code, restart
// count and last log lines usually say what is wrong. Without a runtime socket on the host
// (static pods run some other way) nothing is added.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cri/runtime.h"
#include "host/host.h"

namespace kadm::staticpod {

/// The text of the last `max_lines` lines of a CRI container log, whose lines read
/// "<RFC 3339 time> <stdout|stderr> <P|F> <text>": partial (P) pieces are joined with the rest
/// of their line; a line not in that format is kept whole. Very long lines are shortened.
std::vector<std::string> cri_log_tail(std::string_view log, std::size_t max_lines);

/// Lines that explain `component` of node `node_name`: the newest container's state, exit code,
/// restart count and the last `log_lines` lines of its log (read through `host`); or, when the
/// kubelet created no container, what that means and what to check.
std::vector<std::string> explain_component(const cri::Runtime& runtime, const host::Host& host,
                                           const std::string& component,
                                           const std::string& node_name,
                                           std::size_t log_lines = 20);

/// What wait_for_healthy asks about a component that did not become healthy (extra lines).
using ComponentExplainer = std::function<std::vector<std::string>(const std::string& component)>;

/// Explains through the CRI runtime at `cri_endpoint` when its socket exists on `host`, and
/// adds nothing when it does not. `connect` empty: gRPC with short timeouts, so explaining
/// stays quick when the wait has already run out. `host` must outlive the explainer.
ComponentExplainer runtime_explainer(const host::Host& host, std::string cri_endpoint,
                                     std::string node_name, cri::Connector connect = {});

}  // namespace kadm::staticpod
