// The CRI client's protobuf decoding: the first byte picks a response decoder, the rest is the
// message a runtime sent. Decoders must fail cleanly on anything malformed. The field splitter
// also round-trips: fields re-encoded with pb::Writer parse back to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "cri/messages.h"
#include "cri/protobuf.h"

namespace {

using namespace kadm::cri;

void decode(std::uint8_t which, std::string_view bytes) {
  switch (which % 10) {
    case 0:
      (void)decode_version_response(bytes);
      break;
    case 1:
      if (auto status = decode_status_response(bytes)) (void)sandbox_image(*status);
      break;
    case 2:
      (void)decode_runtime_config_response(bytes);
      break;
    case 3:
      (void)decode_image_status_response(bytes);
      break;
    case 4:
      (void)decode_pull_image_response(bytes);
      break;
    case 5:
      (void)decode_list_pod_sandbox_response(bytes);
      break;
    case 6:
      (void)decode_empty_response(bytes, "StopPodSandbox");
      break;
    case 7:
      (void)decode_list_containers_response(bytes);
      break;
    case 8:
      (void)decode_container_status_response(bytes);
      break;
    default: {
      std::size_t pos = 0;
      (void)pb::read_varint(bytes, pos);
      if (pos > bytes.size()) std::abort();
    }
  }
}

// parse → Writer → parse gives the same fields, less those Writer leaves out as proto3 defaults
// (zero varints, empty strings). Writer writes varint and length-delimited fields only; messages
// holding fixed-width fields are skipped.
void round_trip(std::string_view bytes) {
  auto fields = pb::parse(bytes);
  if (!fields) return;
  pb::Writer w;
  std::vector<pb::Field> written;
  for (const auto& f : *fields) {
    if (f.number <= 0) std::abort();
    switch (f.type) {
      case pb::WireType::Varint:
        w.varint(f.number, f.varint);
        if (f.varint != 0) written.push_back(f);
        break;
      case pb::WireType::Len:
        w.string(f.number, f.bytes);
        if (!f.bytes.empty()) written.push_back(f);
        break;
      default:
        return;
    }
  }
  auto again = pb::parse(w.bytes());
  if (!again || again->size() != written.size()) std::abort();
  for (std::size_t i = 0; i < written.size(); ++i) {
    const auto& a = written[i];
    const auto& b = (*again)[i];
    if (a.number != b.number || a.type != b.type || a.varint != b.varint || a.bytes != b.bytes) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  decode(data[0], bytes);
  round_trip(bytes);
  return 0;
}
