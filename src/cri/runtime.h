#pragma once
// The host's container runtime as kadm sees it: the handful of CRI calls preflight,
// `kadm config images pull`, reset (removing pod sandboxes) and wait-control-plane (explaining a
// component that is not healthy) make. A seam: the real implementation speaks gRPC to the runtime's
// socket (cri/grpc_runtime.h); tests use a fake.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "cri/messages.h"

namespace kadm::cri {

class Runtime {
 public:
  virtual ~Runtime() = default;
  /// "unix:///run/containerd/containerd.sock", for messages.
  virtual const std::string& endpoint() const = 0;
  virtual Result<VersionInfo> version() const = 0;
  /// `verbose` asks for the runtime's extra information (RuntimeStatus::info).
  virtual Result<RuntimeStatus> status(bool verbose) const = 0;
  /// nullopt when the runtime does not implement RuntimeConfig (older runtimes).
  virtual Result<std::optional<RuntimeConfigInfo>> runtime_config() const = 0;
  /// nullopt when the runtime does not have `image`.
  virtual Result<std::optional<ImageInfo>> image_status(const std::string& image) const = 0;
  /// Pulls `image`; returns the runtime's reference to it (an image id or digest).
  virtual Result<std::string> pull_image(const std::string& image) const = 0;

  /// The pod sandboxes that match `filter` (an empty filter lists all).
  virtual Result<std::vector<PodSandbox>> list_pod_sandboxes(
      const PodSandboxFilter& filter) const = 0;
  /// Stops a sandbox and every container in it; stopping a stopped sandbox succeeds. A missing
  /// one should too (the CRI asks for idempotence), but containerd 1.6 answers NotFound.
  virtual Status stop_pod_sandbox(const std::string& sandbox_id) const = 0;
  /// Removes a sandbox and its containers, forcibly; removing a missing one succeeds.
  virtual Status remove_pod_sandbox(const std::string& sandbox_id) const = 0;
  /// The containers that match `filter` (an empty filter lists all).
  virtual Result<std::vector<Container>> list_containers(const ContainerFilter& filter) const = 0;
  /// A container's state, exit code, annotations and log path; NotFound when it is gone.
  virtual Result<ContainerStatus> container_status(const std::string& container_id) const = 0;
};

/// Makes a Runtime for an endpoint ("unix:///path" or "/path"). Calls are made lazily: a
/// successful connect only means the endpoint is usable in form.
using Connector = std::function<Result<std::unique_ptr<Runtime>>(const std::string& endpoint)>;

/// The socket path of an endpoint: "unix:///run/x.sock" and "/run/x.sock" → "/run/x.sock".
/// Other schemes (tcp://, npipe://) are refused: kadm runs on Linux hosts only.
Result<std::string> socket_path(const std::string& endpoint);

}  // namespace kadm::cri
