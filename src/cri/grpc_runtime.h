#pragma once
// cri::Runtime over gRPC (runtime.v1.RuntimeService / runtime.v1.ImageService) on a unix socket.

#include <memory>

#include "common/duration.h"
#include "cri/grpc.h"
#include "cri/runtime.h"

namespace kadm::cri {

struct GrpcRuntimeOptions {
  Duration connect_timeout{5000};
  Duration call_timeout{10000};       // every call but PullImage and StopPodSandbox
  Duration stop_timeout{60000};       // StopPodSandbox: the runtime stops each container in it
  Duration pull_timeout{15 * 60000};  // one PullImage: images can be large, links slow
};

class GrpcRuntime final : public Runtime {
 public:
  static Result<std::unique_ptr<GrpcRuntime>> connect(const std::string& endpoint,
                                                      GrpcRuntimeOptions options = {});

  const std::string& endpoint() const override { return m_endpoint; }
  Result<VersionInfo> version() const override;
  Result<RuntimeStatus> status(bool verbose) const override;
  Result<std::optional<RuntimeConfigInfo>> runtime_config() const override;
  Result<std::optional<ImageInfo>> image_status(const std::string& image) const override;
  Result<std::string> pull_image(const std::string& image) const override;
  Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter& filter) const override;
  Status stop_pod_sandbox(const std::string& sandbox_id) const override;
  Status remove_pod_sandbox(const std::string& sandbox_id) const override;
  Result<std::vector<Container>> list_containers(const ContainerFilter& filter) const override;
  Result<ContainerStatus> container_status(const std::string& container_id) const override;

 private:
  GrpcRuntime(std::string endpoint, std::string socket, GrpcRuntimeOptions options);
  // The reply of `method` when the status is OK; other statuses become Errors naming the code.
  Result<grpc::CallResult> call(std::string_view method, std::string_view request,
                                Duration timeout) const;

  std::string m_endpoint;
  GrpcRuntimeOptions m_options;
  grpc::UnixTransport m_transport;
};

/// The Connector of real hosts.
Connector grpc_connector(GrpcRuntimeOptions options = {});

}  // namespace kadm::cri
