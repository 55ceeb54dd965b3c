#pragma once
// The host's container runtime as kadm sees it: the handful of CRI calls preflight and
// `kadm config images pull` make. A seam: the real implementation speaks gRPC to the runtime's
// socket (cri/grpc_runtime.h); tests use a fake.

#include <functional>
#include <memory>
#include <optional>
#include <string>

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
};

/// Makes a Runtime for an endpoint ("unix:///path" or "/path"). Calls are made lazily: a
/// successful connect only means the endpoint is usable in form.
using Connector = std::function<Result<std::unique_ptr<Runtime>>(const std::string& endpoint)>;

/// The socket path of an endpoint: "unix:///run/x.sock" and "/run/x.sock" → "/run/x.sock".
/// Other schemes (tcp://, npipe://) are refused: kadm runs on Linux hosts only.
Result<std::string> socket_path(const std::string& endpoint);

}  // namespace kadm::cri
