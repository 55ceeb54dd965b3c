#include "cri/grpc_runtime.h"

#include "common/strings.h"

namespace kadm::cri {

namespace {

// Method paths: "/" + proto package "runtime.v1" + "." + service + "/" + rpc.
constexpr std::string_view kVersion = "/runtime.v1.RuntimeService/Version";
constexpr std::string_view kStatus = "/runtime.v1.RuntimeService/Status";
constexpr std::string_view kRuntimeConfig = "/runtime.v1.RuntimeService/RuntimeConfig";
constexpr std::string_view kImageStatus = "/runtime.v1.ImageService/ImageStatus";
constexpr std::string_view kPullImage = "/runtime.v1.ImageService/PullImage";
constexpr std::string_view kListPodSandbox = "/runtime.v1.RuntimeService/ListPodSandbox";
constexpr std::string_view kStopPodSandbox = "/runtime.v1.RuntimeService/StopPodSandbox";
constexpr std::string_view kRemovePodSandbox = "/runtime.v1.RuntimeService/RemovePodSandbox";
constexpr std::string_view kListContainers = "/runtime.v1.RuntimeService/ListContainers";
constexpr std::string_view kContainerStatus = "/runtime.v1.RuntimeService/ContainerStatus";

// The CRI API version kadm speaks, sent in VersionRequest.
constexpr std::string_view kApiVersion = "v1";

std::string method_name(std::string_view path) {
  return std::string(path.substr(path.rfind('/') + 1));
}

}  // namespace

Result<std::string> socket_path(const std::string& endpoint) {
  constexpr std::string_view kUnix = "unix://";
  std::string path = endpoint;
  if (str::starts_with(endpoint, kUnix)) {
    path = endpoint.substr(kUnix.size());
  } else if (endpoint.find("://") != std::string::npos) {
    return fail(ErrorKind::Validation,
                "CRI endpoint \"" + endpoint + "\": only unix:// sockets are supported");
  }
  if (path.empty() || path.front() != '/') {
    return fail(ErrorKind::Validation,
                "CRI endpoint \"" + endpoint + "\" must name an absolute socket path");
  }
  return path;
}

GrpcRuntime::GrpcRuntime(std::string endpoint, std::string socket, GrpcRuntimeOptions options)
    : m_endpoint(std::move(endpoint)),
      m_options(options),
      m_transport(std::move(socket), grpc::TransportOptions{options.connect_timeout}) {}

Result<std::unique_ptr<GrpcRuntime>> GrpcRuntime::connect(const std::string& endpoint,
                                                          GrpcRuntimeOptions options) {
  auto socket = KADM_TRY(socket_path(endpoint));
  return std::unique_ptr<GrpcRuntime>(new GrpcRuntime(endpoint, std::move(socket), options));
}

Result<grpc::CallResult> GrpcRuntime::call(std::string_view method, std::string_view request,
                                           Duration timeout) const {
  auto r = KADM_TRY(m_transport.call(method, request, timeout));
  if (!r.ok()) {
    auto kind =
        r.code == static_cast<int>(grpc::Code::NotFound) ? ErrorKind::NotFound : ErrorKind::General;
    return fail(kind, method_name(method) + ": the runtime answered " + grpc::code_name(r.code) +
                          (r.message.empty() ? "" : ": " + r.message));
  }
  return r;
}

Result<VersionInfo> GrpcRuntime::version() const {
  auto r = KADM_TRY(call(kVersion, encode_version_request(kApiVersion), m_options.call_timeout));
  return decode_version_response(r.response);
}

Result<RuntimeStatus> GrpcRuntime::status(bool verbose) const {
  auto r = KADM_TRY(call(kStatus, encode_status_request(verbose), m_options.call_timeout));
  return decode_status_response(r.response);
}

Result<std::optional<RuntimeConfigInfo>> GrpcRuntime::runtime_config() const {
  auto r = KADM_TRY(
      m_transport.call(kRuntimeConfig, encode_runtime_config_request(), m_options.call_timeout));
  if (r.code == static_cast<int>(grpc::Code::Unimplemented)) return std::nullopt;
  if (!r.ok()) {
    return fail(ErrorKind::General, "RuntimeConfig: the runtime answered " +
                                        grpc::code_name(r.code) +
                                        (r.message.empty() ? "" : ": " + r.message));
  }
  return KADM_TRY(decode_runtime_config_response(r.response));
}

Result<std::optional<ImageInfo>> GrpcRuntime::image_status(const std::string& image) const {
  auto r = KADM_TRY(call(kImageStatus, encode_image_status_request(image), m_options.call_timeout));
  return decode_image_status_response(r.response);
}

Result<std::string> GrpcRuntime::pull_image(const std::string& image) const {
  auto r = KADM_TRY(call(kPullImage, encode_pull_image_request(image), m_options.pull_timeout));
  return decode_pull_image_response(r.response);
}

Result<std::vector<PodSandbox>> GrpcRuntime::list_pod_sandboxes(
    const PodSandboxFilter& filter) const {
  auto r = KADM_TRY(
      call(kListPodSandbox, encode_list_pod_sandbox_request(filter), m_options.call_timeout));
  return decode_list_pod_sandbox_response(r.response);
}

Status GrpcRuntime::stop_pod_sandbox(const std::string& sandbox_id) const {
  auto r = KADM_TRY(
      call(kStopPodSandbox, encode_stop_pod_sandbox_request(sandbox_id), m_options.stop_timeout));
  return decode_empty_response(r.response, "StopPodSandboxResponse");
}

Status GrpcRuntime::remove_pod_sandbox(const std::string& sandbox_id) const {
  auto r = KADM_TRY(call(kRemovePodSandbox, encode_remove_pod_sandbox_request(sandbox_id),
                         m_options.stop_timeout));
  return decode_empty_response(r.response, "RemovePodSandboxResponse");
}

Result<std::vector<Container>> GrpcRuntime::list_containers(const ContainerFilter& filter) const {
  auto r = KADM_TRY(
      call(kListContainers, encode_list_containers_request(filter), m_options.call_timeout));
  return decode_list_containers_response(r.response);
}

Result<ContainerStatus> GrpcRuntime::container_status(const std::string& container_id) const {
  auto r = KADM_TRY(call(kContainerStatus, encode_container_status_request(container_id, false),
                         m_options.call_timeout));
  return decode_container_status_response(r.response);
}

Connector grpc_connector(GrpcRuntimeOptions options) {
  return [options](const std::string& endpoint) -> Result<std::unique_ptr<Runtime>> {
    auto r = KADM_TRY(GrpcRuntime::connect(endpoint, options));
    return std::unique_ptr<Runtime>(std::move(r));
  };
}

}  // namespace kadm::cri
