#pragma once
// The CRI messages kadm exchanges with a container runtime, as plain structs, and their protobuf
// encodings. Field numbers are those of k8s.io/cri-api pkg/apis/runtime/v1/api.proto (package
// runtime.v1); only the fields kadm reads or writes are modelled, unknown fields are skipped.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::cri {

// VersionResponse: version = 1, runtime_name = 2, runtime_version = 3, runtime_api_version = 4.
struct VersionInfo {
  std::string version;
  std::string runtime_name;
  std::string runtime_version;
  std::string runtime_api_version;
};

// RuntimeCondition: type = 1, status = 2 (bool), reason = 3, message = 4.
struct RuntimeCondition {
  std::string type;  // "RuntimeReady", "NetworkReady", or runtime-specific
  bool status = false;
  std::string reason;
  std::string message;
};

// StatusResponse.status = 1 → RuntimeStatus.conditions = 1 (repeated); StatusResponse.info = 2
// (map<string, string>: entries with key = 1, value = 2), filled only for verbose requests.
struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
  std::map<std::string, std::string> info;
  const RuntimeCondition* condition(std::string_view type) const;
};

/// The runtime's sandbox (pause) image, when its verbose status tells (containerd puts its CRI
/// config as JSON under info["config"], with "sandboxImage"); nullopt otherwise.
std::optional<std::string> sandbox_image(const RuntimeStatus& status);

// CgroupDriver enum: SYSTEMD = 0, CGROUPFS = 1.
enum class CgroupDriver { Systemd = 0, Cgroupfs = 1 };
std::string_view to_string(CgroupDriver d);  // "systemd" / "cgroupfs", as the kubelet spells it

// RuntimeConfigResponse.linux = 1 → LinuxRuntimeConfiguration.cgroup_driver = 1.
struct RuntimeConfigInfo {
  std::optional<CgroupDriver> cgroup_driver;  // nullopt: the runtime sent no linux section
};

// Image: id = 1, repo_tags = 2 (repeated), repo_digests = 3 (repeated), size = 4.
struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  std::uint64_t size = 0;
};

// map<string, string> fields (labels, annotations, label selectors) travel as repeated entry
// messages with key = 1, value = 2.
using StringMap = std::map<std::string, std::string>;

// PodSandboxState enum: SANDBOX_READY = 0, SANDBOX_NOTREADY = 1.
enum class SandboxState { Ready = 0, NotReady = 1 };
std::string_view to_string(SandboxState s);  // "SANDBOX_READY", as crictl prints it

// PodSandboxMetadata: name = 1, uid = 2, namespace = 3, attempt = 4.
struct PodSandboxMetadata {
  std::string name;
  std::string uid;
  std::string namespace_;
  std::uint32_t attempt = 0;
};

// PodSandbox: id = 1, metadata = 2, state = 3, created_at = 4 (int64 ns), labels = 5 (map),
// annotations = 6 (map), runtime_handler = 7 (not modelled).
struct PodSandbox {
  std::string id;
  PodSandboxMetadata metadata;
  SandboxState state = SandboxState::Ready;
  std::int64_t created_at = 0;
  StringMap labels;
  StringMap annotations;
};

// PodSandboxFilter: id = 1, state = 2 (PodSandboxStateValue: state = 1), label_selector = 3.
struct PodSandboxFilter {
  std::string id;
  std::optional<SandboxState> state;
  StringMap label_selector;  // all must match
};

// ContainerState enum: CONTAINER_CREATED = 0, CONTAINER_RUNNING = 1, CONTAINER_EXITED = 2,
// CONTAINER_UNKNOWN = 3.
enum class ContainerState { Created = 0, Running = 1, Exited = 2, Unknown = 3 };
std::string_view to_string(ContainerState s);  // "CONTAINER_RUNNING", as crictl prints it

// ContainerMetadata: name = 1, attempt = 2.
struct ContainerMetadata {
  std::string name;
  std::uint32_t attempt = 0;
};

// Container: id = 1, pod_sandbox_id = 2, metadata = 3, image = 4 (ImageSpec.image = 1),
// image_ref = 5, state = 6, created_at = 7 (int64 ns), labels = 8 (map), annotations = 9 (map).
struct Container {
  std::string id;
  std::string pod_sandbox_id;
  ContainerMetadata metadata;
  std::string image;
  std::string image_ref;
  ContainerState state = ContainerState::Created;
  std::int64_t created_at = 0;
  StringMap labels;
  StringMap annotations;
};

// ContainerFilter: id = 1, state = 2 (ContainerStateValue: state = 1), pod_sandbox_id = 3,
// label_selector = 4.
struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  StringMap label_selector;  // all must match
};

// ContainerStatus: id = 1, metadata = 2, state = 3, created_at = 4, started_at = 5,
// finished_at = 6 (int64 ns), exit_code = 7 (int32), image = 8 (ImageSpec), image_ref = 9,
// reason = 10, message = 11, labels = 12 (map), annotations = 13 (map), log_path = 15.
struct ContainerStatus {
  std::string id;
  ContainerMetadata metadata;
  ContainerState state = ContainerState::Created;
  std::int64_t created_at = 0;
  std::int64_t started_at = 0;
  std::int64_t finished_at = 0;
  std::int32_t exit_code = 0;
  std::string image;
  std::string image_ref;
  std::string reason;
  std::string message;
  StringMap labels;
  StringMap annotations;
  std::string log_path;
};

// --- requests ---
// VersionRequest.version = 1.
std::string encode_version_request(std::string_view api_version);
// StatusRequest.verbose = 1.
std::string encode_status_request(bool verbose);
// RuntimeConfigRequest has no fields.
std::string encode_runtime_config_request();
// ImageStatusRequest.image = 1 (ImageSpec.image = 1), verbose = 2.
std::string encode_image_status_request(std::string_view image);
// PullImageRequest.image = 1 (ImageSpec.image = 1); auth = 2 and sandbox_config = 3 unset.
std::string encode_pull_image_request(std::string_view image);

// ListPodSandboxRequest.filter = 1, left out when the filter is empty (list everything).
std::string encode_list_pod_sandbox_request(const PodSandboxFilter& filter);
// StopPodSandboxRequest.pod_sandbox_id = 1; RemovePodSandboxRequest.pod_sandbox_id = 1.
std::string encode_stop_pod_sandbox_request(std::string_view sandbox_id);
std::string encode_remove_pod_sandbox_request(std::string_view sandbox_id);
// ListContainersRequest.filter = 1, left out when the filter is empty.
std::string encode_list_containers_request(const ContainerFilter& filter);
// ContainerStatusRequest.container_id = 1, verbose = 2.
std::string encode_container_status_request(std::string_view container_id, bool verbose);

// --- responses ---
Result<VersionInfo> decode_version_response(std::string_view bytes);
Result<RuntimeStatus> decode_status_response(std::string_view bytes);
Result<RuntimeConfigInfo> decode_runtime_config_response(std::string_view bytes);
// ImageStatusResponse.image = 1; absent means the runtime does not have the image.
Result<std::optional<ImageInfo>> decode_image_status_response(std::string_view bytes);
// PullImageResponse.image_ref = 1.
Result<std::string> decode_pull_image_response(std::string_view bytes);
// ListPodSandboxResponse.items = 1 (repeated PodSandbox).
Result<std::vector<PodSandbox>> decode_list_pod_sandbox_response(std::string_view bytes);
// StopPodSandboxResponse and RemovePodSandboxResponse have no fields; a reply that does not parse
// is still an error.
Status decode_empty_response(std::string_view bytes, std::string_view message);
// ListContainersResponse.containers = 1 (repeated Container).
Result<std::vector<Container>> decode_list_containers_response(std::string_view bytes);
// ContainerStatusResponse.status = 1 (info = 2 not modelled); a reply without a status is an
// error.
Result<ContainerStatus> decode_container_status_response(std::string_view bytes);

}  // namespace kadm::cri
