#include "cri/messages.h"

#include <nlohmann/json.hpp>

#include "cri/protobuf.h"

namespace kadm::cri {

namespace {

// Reads a string field, refusing a field of the wrong wire type (a schema mismatch).
Result<std::string> text(const pb::Field& f, std::string_view message) {
  if (f.type != pb::WireType::Len) {
    return fail(ErrorKind::General, std::string(message) + ": field " + std::to_string(f.number) +
                                        " is not length-delimited");
  }
  return std::string(f.bytes);
}

Result<std::uint64_t> number(const pb::Field& f, std::string_view message) {
  if (f.type != pb::WireType::Varint) {
    return fail(ErrorKind::General,
                std::string(message) + ": field " + std::to_string(f.number) + " is not a varint");
  }
  return f.varint;
}

Result<std::vector<pb::Field>> fields_of(std::string_view bytes, std::string_view message) {
  auto parsed = pb::parse(bytes);
  if (!parsed) return fail_with(parsed, "decoding " + std::string(message));
  return parsed;
}

Result<RuntimeCondition> decode_condition(std::string_view bytes) {
  RuntimeCondition c;
  for (const auto& f : KADM_TRY(fields_of(bytes, "RuntimeCondition"))) {
    switch (f.number) {
      case 1:
        c.type = KADM_TRY(text(f, "RuntimeCondition"));
        break;
      case 2:
        c.status = KADM_TRY(number(f, "RuntimeCondition")) != 0;
        break;
      case 3:
        c.reason = KADM_TRY(text(f, "RuntimeCondition"));
        break;
      case 4:
        c.message = KADM_TRY(text(f, "RuntimeCondition"));
        break;
      default:
        break;
    }
  }
  return c;
}

Result<ImageInfo> decode_image(std::string_view bytes) {
  ImageInfo image;
  for (const auto& f : KADM_TRY(fields_of(bytes, "Image"))) {
    switch (f.number) {
      case 1:
        image.id = KADM_TRY(text(f, "Image"));
        break;
      case 2:
        image.repo_tags.push_back(KADM_TRY(text(f, "Image")));
        break;
      case 3:
        image.repo_digests.push_back(KADM_TRY(text(f, "Image")));
        break;
      case 4:
        image.size = KADM_TRY(number(f, "Image"));
        break;
      default:
        break;
    }
  }
  return image;
}

pb::Writer image_spec(std::string_view image) {
  pb::Writer spec;
  spec.string(1, image);
  return spec;
}

// int64 fields are varints holding the two's complement of the value.
Result<std::int64_t> int64_of(const pb::Field& f, std::string_view message) {
  return static_cast<std::int64_t>(KADM_TRY(number(f, message)));
}

// int32 fields: negative values arrive sign-extended to ten bytes; the low 32 bits are the value.
Result<std::int32_t> int32_of(const pb::Field& f, std::string_view message) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(KADM_TRY(number(f, message))));
}

// One entry of a map<string, string> field into `map`.
Status add_map_entry(const pb::Field& f, std::string_view message, StringMap& map) {
  auto entry = KADM_TRY(text(f, message));
  std::string key, value;
  for (const auto& e : KADM_TRY(fields_of(entry, std::string(message) + " map entry"))) {
    if (e.number == 1) key = KADM_TRY(text(e, "map entry"));
    if (e.number == 2) value = KADM_TRY(text(e, "map entry"));
  }
  map[key] = value;
  return {};
}

void write_map(pb::Writer& w, int field, const StringMap& map) {
  for (const auto& [key, value] : map)
    w.message(field, pb::Writer().string(1, key).string(2, value));
}

// A state wrapper message ({state = 1}); present even for the zero state, which is how a
// filter asks for SANDBOX_READY / CONTAINER_CREATED.
pb::Writer state_value(int state) {
  return pb::Writer().varint(1, static_cast<std::uint64_t>(state));
}

// Enum values the runtime may add later than kadm knows: the last known "odd" state.
SandboxState sandbox_state(std::uint64_t v) {
  return v == 0 ? SandboxState::Ready : SandboxState::NotReady;
}
ContainerState container_state(std::uint64_t v) {
  return v <= 3 ? static_cast<ContainerState>(v) : ContainerState::Unknown;
}

Result<PodSandboxMetadata> decode_sandbox_metadata(std::string_view bytes) {
  PodSandboxMetadata m;
  for (const auto& f : KADM_TRY(fields_of(bytes, "PodSandboxMetadata"))) {
    switch (f.number) {
      case 1:
        m.name = KADM_TRY(text(f, "PodSandboxMetadata"));
        break;
      case 2:
        m.uid = KADM_TRY(text(f, "PodSandboxMetadata"));
        break;
      case 3:
        m.namespace_ = KADM_TRY(text(f, "PodSandboxMetadata"));
        break;
      case 4:
        m.attempt = static_cast<std::uint32_t>(KADM_TRY(number(f, "PodSandboxMetadata")));
        break;
      default:
        break;
    }
  }
  return m;
}

Result<PodSandbox> decode_sandbox(std::string_view bytes) {
  constexpr std::string_view kMsg = "PodSandbox";
  PodSandbox p;
  for (const auto& f : KADM_TRY(fields_of(bytes, kMsg))) {
    switch (f.number) {
      case 1:
        p.id = KADM_TRY(text(f, kMsg));
        break;
      case 2:
        p.metadata = KADM_TRY(decode_sandbox_metadata(KADM_TRY(text(f, kMsg))));
        break;
      case 3:
        p.state = sandbox_state(KADM_TRY(number(f, kMsg)));
        break;
      case 4:
        p.created_at = KADM_TRY(int64_of(f, kMsg));
        break;
      case 5:
        KADM_TRY(add_map_entry(f, kMsg, p.labels));
        break;
      case 6:
        KADM_TRY(add_map_entry(f, kMsg, p.annotations));
        break;
      default:
        break;
    }
  }
  return p;
}

Result<ContainerMetadata> decode_container_metadata(std::string_view bytes) {
  ContainerMetadata m;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ContainerMetadata"))) {
    if (f.number == 1) m.name = KADM_TRY(text(f, "ContainerMetadata"));
    if (f.number == 2) {
      m.attempt = static_cast<std::uint32_t>(KADM_TRY(number(f, "ContainerMetadata")));
    }
  }
  return m;
}

Result<std::string> decode_image_spec(std::string_view bytes) {
  std::string image;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ImageSpec"))) {
    if (f.number == 1) image = KADM_TRY(text(f, "ImageSpec"));
  }
  return image;
}

Result<Container> decode_container(std::string_view bytes) {
  constexpr std::string_view kMsg = "Container";
  Container c;
  for (const auto& f : KADM_TRY(fields_of(bytes, kMsg))) {
    switch (f.number) {
      case 1:
        c.id = KADM_TRY(text(f, kMsg));
        break;
      case 2:
        c.pod_sandbox_id = KADM_TRY(text(f, kMsg));
        break;
      case 3:
        c.metadata = KADM_TRY(decode_container_metadata(KADM_TRY(text(f, kMsg))));
        break;
      case 4:
        c.image = KADM_TRY(decode_image_spec(KADM_TRY(text(f, kMsg))));
        break;
      case 5:
        c.image_ref = KADM_TRY(text(f, kMsg));
        break;
      case 6:
        c.state = container_state(KADM_TRY(number(f, kMsg)));
        break;
      case 7:
        c.created_at = KADM_TRY(int64_of(f, kMsg));
        break;
      case 8:
        KADM_TRY(add_map_entry(f, kMsg, c.labels));
        break;
      case 9:
        KADM_TRY(add_map_entry(f, kMsg, c.annotations));
        break;
      default:
        break;
    }
  }
  return c;
}

Result<ContainerStatus> decode_container_status(std::string_view bytes) {
  constexpr std::string_view kMsg = "ContainerStatus";
  ContainerStatus s;
  for (const auto& f : KADM_TRY(fields_of(bytes, kMsg))) {
    switch (f.number) {
      case 1:
        s.id = KADM_TRY(text(f, kMsg));
        break;
      case 2:
        s.metadata = KADM_TRY(decode_container_metadata(KADM_TRY(text(f, kMsg))));
        break;
      case 3:
        s.state = container_state(KADM_TRY(number(f, kMsg)));
        break;
      case 4:
        s.created_at = KADM_TRY(int64_of(f, kMsg));
        break;
      case 5:
        s.started_at = KADM_TRY(int64_of(f, kMsg));
        break;
      case 6:
        s.finished_at = KADM_TRY(int64_of(f, kMsg));
        break;
      case 7:
        s.exit_code = KADM_TRY(int32_of(f, kMsg));
        break;
      case 8:
        s.image = KADM_TRY(decode_image_spec(KADM_TRY(text(f, kMsg))));
        break;
      case 9:
        s.image_ref = KADM_TRY(text(f, kMsg));
        break;
      case 10:
        s.reason = KADM_TRY(text(f, kMsg));
        break;
      case 11:
        s.message = KADM_TRY(text(f, kMsg));
        break;
      case 12:
        KADM_TRY(add_map_entry(f, kMsg, s.labels));
        break;
      case 13:
        KADM_TRY(add_map_entry(f, kMsg, s.annotations));
        break;
      case 15:
        s.log_path = KADM_TRY(text(f, kMsg));
        break;
      default:
        break;
    }
  }
  return s;
}

}  // namespace

std::string_view to_string(SandboxState s) {
  return s == SandboxState::Ready ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

std::string_view to_string(ContainerState s) {
  switch (s) {
    case ContainerState::Created:
      return "CONTAINER_CREATED";
    case ContainerState::Running:
      return "CONTAINER_RUNNING";
    case ContainerState::Exited:
      return "CONTAINER_EXITED";
    case ContainerState::Unknown:
      break;
  }
  return "CONTAINER_UNKNOWN";
}

const RuntimeCondition* RuntimeStatus::condition(std::string_view type) const {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::optional<std::string> sandbox_image(const RuntimeStatus& status) {
  auto config = status.info.find("config");
  if (config == status.info.end()) return std::nullopt;
  auto doc = nlohmann::json::parse(config->second, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto image = doc.find("sandboxImage");
  if (image == doc.end() || !image->is_string() || image->get<std::string>().empty()) {
    return std::nullopt;
  }
  return image->get<std::string>();
}

std::string_view to_string(CgroupDriver d) {
  return d == CgroupDriver::Systemd ? "systemd" : "cgroupfs";
}

std::string encode_version_request(std::string_view api_version) {
  return pb::Writer().string(1, api_version).bytes();
}

std::string encode_status_request(bool verbose) { return pb::Writer().boolean(1, verbose).bytes(); }

std::string encode_runtime_config_request() { return {}; }

std::string encode_image_status_request(std::string_view image) {
  return pb::Writer().message(1, image_spec(image)).bytes();
}

std::string encode_pull_image_request(std::string_view image) {
  return pb::Writer().message(1, image_spec(image)).bytes();
}

Result<VersionInfo> decode_version_response(std::string_view bytes) {
  VersionInfo v;
  for (const auto& f : KADM_TRY(fields_of(bytes, "VersionResponse"))) {
    switch (f.number) {
      case 1:
        v.version = KADM_TRY(text(f, "VersionResponse"));
        break;
      case 2:
        v.runtime_name = KADM_TRY(text(f, "VersionResponse"));
        break;
      case 3:
        v.runtime_version = KADM_TRY(text(f, "VersionResponse"));
        break;
      case 4:
        v.runtime_api_version = KADM_TRY(text(f, "VersionResponse"));
        break;
      default:
        break;
    }
  }
  return v;
}

Result<RuntimeStatus> decode_status_response(std::string_view bytes) {
  RuntimeStatus status;
  for (const auto& f : KADM_TRY(fields_of(bytes, "StatusResponse"))) {
    if (f.number == 2) {
      // Named: the fields below are views into it.
      auto entry = KADM_TRY(text(f, "StatusResponse"));
      std::string key, value;
      for (const auto& e : KADM_TRY(fields_of(entry, "info entry"))) {
        if (e.number == 1) key = KADM_TRY(text(e, "info entry"));
        if (e.number == 2) value = KADM_TRY(text(e, "info entry"));
      }
      status.info[key] = value;
      continue;
    }
    if (f.number != 1) continue;
    auto runtime_status = KADM_TRY(text(f, "StatusResponse"));
    for (const auto& c : KADM_TRY(fields_of(runtime_status, "RuntimeStatus"))) {
      if (c.number != 1) continue;
      status.conditions.push_back(KADM_TRY(decode_condition(KADM_TRY(text(c, "RuntimeStatus")))));
    }
  }
  return status;
}

Result<RuntimeConfigInfo> decode_runtime_config_response(std::string_view bytes) {
  RuntimeConfigInfo info;
  for (const auto& f : KADM_TRY(fields_of(bytes, "RuntimeConfigResponse"))) {
    if (f.number != 1) continue;
    auto linux_config = KADM_TRY(text(f, "RuntimeConfigResponse"));
    // proto3 leaves out the zero value, so a present but empty section means SYSTEMD.
    info.cgroup_driver = CgroupDriver::Systemd;
    for (const auto& l : KADM_TRY(fields_of(linux_config, "LinuxRuntimeConfiguration"))) {
      if (l.number != 1) continue;
      auto value = KADM_TRY(number(l, "LinuxRuntimeConfiguration"));
      if (value > 1) {
        return fail(
            ErrorKind::General,
            "decoding LinuxRuntimeConfiguration: unknown cgroup driver " + std::to_string(value));
      }
      info.cgroup_driver = value == 0 ? CgroupDriver::Systemd : CgroupDriver::Cgroupfs;
    }
  }
  return info;
}

Result<std::optional<ImageInfo>> decode_image_status_response(std::string_view bytes) {
  std::optional<ImageInfo> image;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ImageStatusResponse"))) {
    if (f.number != 1) continue;
    image = KADM_TRY(decode_image(KADM_TRY(text(f, "ImageStatusResponse"))));
  }
  return image;
}

Result<std::string> decode_pull_image_response(std::string_view bytes) {
  std::string ref;
  for (const auto& f : KADM_TRY(fields_of(bytes, "PullImageResponse"))) {
    if (f.number == 1) ref = KADM_TRY(text(f, "PullImageResponse"));
  }
  return ref;
}

std::string encode_list_pod_sandbox_request(const PodSandboxFilter& filter) {
  pb::Writer f;
  f.string(1, filter.id);
  if (filter.state) f.message(2, state_value(static_cast<int>(*filter.state)));
  write_map(f, 3, filter.label_selector);
  pb::Writer request;
  if (!f.bytes().empty()) request.message(1, f);
  return request.bytes();
}

std::string encode_stop_pod_sandbox_request(std::string_view sandbox_id) {
  return pb::Writer().string(1, sandbox_id).bytes();
}

std::string encode_remove_pod_sandbox_request(std::string_view sandbox_id) {
  return pb::Writer().string(1, sandbox_id).bytes();
}

std::string encode_list_containers_request(const ContainerFilter& filter) {
  pb::Writer f;
  f.string(1, filter.id);
  if (filter.state) f.message(2, state_value(static_cast<int>(*filter.state)));
  f.string(3, filter.pod_sandbox_id);
  write_map(f, 4, filter.label_selector);
  pb::Writer request;
  if (!f.bytes().empty()) request.message(1, f);
  return request.bytes();
}

std::string encode_container_status_request(std::string_view container_id, bool verbose) {
  return pb::Writer().string(1, container_id).boolean(2, verbose).bytes();
}

Result<std::vector<PodSandbox>> decode_list_pod_sandbox_response(std::string_view bytes) {
  std::vector<PodSandbox> items;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ListPodSandboxResponse"))) {
    if (f.number != 1) continue;
    items.push_back(KADM_TRY(decode_sandbox(KADM_TRY(text(f, "ListPodSandboxResponse")))));
  }
  return items;
}

Status decode_empty_response(std::string_view bytes, std::string_view message) {
  KADM_TRY(fields_of(bytes, message));
  return {};
}

Result<std::vector<Container>> decode_list_containers_response(std::string_view bytes) {
  std::vector<Container> items;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ListContainersResponse"))) {
    if (f.number != 1) continue;
    items.push_back(KADM_TRY(decode_container(KADM_TRY(text(f, "ListContainersResponse")))));
  }
  return items;
}

Result<ContainerStatus> decode_container_status_response(std::string_view bytes) {
  std::optional<ContainerStatus> status;
  for (const auto& f : KADM_TRY(fields_of(bytes, "ContainerStatusResponse"))) {
    if (f.number != 1) continue;
    status = KADM_TRY(decode_container_status(KADM_TRY(text(f, "ContainerStatusResponse"))));
  }
  if (!status) {
    return fail(ErrorKind::General, "decoding ContainerStatusResponse: the reply has no status");
  }
  return *status;
}

}  // namespace kadm::cri
