#pragma once
// Reset's work in the container runtime, as kubeadm's cleanup-node does it: with the kubelet
// stopped, every pod sandbox the runtime lists on the node's CRI socket is stopped and removed
// (which removes its containers), each with a few tries; then the runtime is asked again and
// must list none. Everything goes through cri::Runtime: a --dry-run passes a DryRunRuntime,
// which lists for real and only says what it would stop and remove. An unreachable runtime is a
// warning naming the socket, never a failure of reset.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cri/runtime.h"
#include "host/host.h"

namespace kadm::reset {

// The CRI endpoint reset talks to, and where it was read (for the log).
struct NodeCriEndpoint {
  std::string endpoint;
  std::string source;
};

/// `configured` (--cri-socket / ResetConfiguration.criSocket) when set; otherwise what the
/// kubelet of this node was given by init/join: containerRuntimeEndpoint of instance-config.yaml,
/// --container-runtime-endpoint of kubeadm-flags.env, containerRuntimeEndpoint of config.yaml
/// (all in `kubelet_dir`, a host path); otherwise containerd's default socket.
NodeCriEndpoint node_cri_endpoint(const host::Host& host, const std::filesystem::path& kubelet_dir,
                                  const std::string& configured);

/// --container-runtime-endpoint from a kubeadm-flags.env text; "" when it is not there.
std::string endpoint_from_flags_env(std::string_view text);
/// containerRuntimeEndpoint of a KubeletConfiguration (or instance-config) YAML; "" when absent
/// or unparsable.
std::string endpoint_from_kubelet_yaml(std::string_view text);

struct SandboxRemovalOptions {
  int attempts = 5;  // per sandbox, as kubeadm (stop, then remove; either failing starts again)
  std::chrono::milliseconds pause{300};  // between two attempts on one sandbox
  bool dry_run = false;                  // only the wording of the summary
};

struct SandboxRemovalReport {
  bool reachable = false;           // the runtime answered the first list
  std::size_t found = 0;            // sandboxes listed before removal
  std::size_t removed = 0;          // stopped and removed
  std::vector<std::string> failed;  // "<ns>/<name> (<id>): <last error>"
  std::vector<std::string> left;    // sandboxes (and containers) the runtime still lists after
  bool verified = false;            // the list after removal was asked and answered
};

/// Stops and removes every pod sandbox of `runtime`, then lists again. Logs each step; problems
/// are warnings.
SandboxRemovalReport remove_pod_sandboxes(const cri::Runtime& runtime,
                                          const SandboxRemovalOptions& options);

/// Connects through `connect` and removes the sandboxes; a runtime that cannot be reached is one
/// warning naming `endpoint`.
SandboxRemovalReport remove_pod_sandboxes(const cri::Connector& connect,
                                          const std::string& endpoint,
                                          const SandboxRemovalOptions& options);

}  // namespace kadm::reset
