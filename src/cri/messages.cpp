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

}  // namespace

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

}  // namespace kadm::cri
