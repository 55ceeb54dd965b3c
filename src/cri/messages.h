#pragma once
// The CRI messages kadm exchanges with a container runtime, as plain structs, and their protobuf
// encodings. Field numbers are those of k8s.io/cri-api pkg/apis/runtime/v1/api.proto (package
// runtime.v1); only the fields kadm reads or writes are modelled, unknown fields are skipped.

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

// --- responses ---
Result<VersionInfo> decode_version_response(std::string_view bytes);
Result<RuntimeStatus> decode_status_response(std::string_view bytes);
Result<RuntimeConfigInfo> decode_runtime_config_response(std::string_view bytes);
// ImageStatusResponse.image = 1; absent means the runtime does not have the image.
Result<std::optional<ImageInfo>> decode_image_status_response(std::string_view bytes);
// PullImageResponse.image_ref = 1.
Result<std::string> decode_pull_image_response(std::string_view bytes);

}  // namespace kadm::cri
