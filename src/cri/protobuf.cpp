#include "cri/protobuf.h"

namespace kadm::cri::pb {

namespace {

constexpr std::size_t kMaxVarintBytes = 10;

std::unexpected<Error> malformed(std::string what) {
  return fail(ErrorKind::General, "malformed protobuf message: " + std::move(what));
}

}  // namespace

void Writer::raw_varint(std::uint64_t value) {
  while (value >= 0x80) {
    m_out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  m_out.push_back(static_cast<char>(value));
}

void Writer::key(int field, WireType type) {
  raw_varint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(type));
}

Writer& Writer::varint(int field, std::uint64_t value) {
  if (value == 0) return *this;
  key(field, WireType::Varint);
  raw_varint(value);
  return *this;
}

Writer& Writer::string(int field, std::string_view value) {
  if (value.empty()) return *this;
  key(field, WireType::Len);
  raw_varint(value.size());
  m_out.append(value);
  return *this;
}

Writer& Writer::message(int field, const Writer& nested) {
  key(field, WireType::Len);
  raw_varint(nested.m_out.size());
  m_out.append(nested.m_out);
  return *this;
}

Result<std::uint64_t> read_varint(std::string_view in, std::size_t& pos) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= in.size()) return malformed("truncated varint");
    auto byte = static_cast<std::uint8_t>(in[pos++]);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (i == kMaxVarintBytes - 1 && byte > 1) return malformed("varint overflows 64 bits");
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return malformed("varint longer than 10 bytes");
}

Result<std::vector<Field>> parse(std::string_view message) {
  std::vector<Field> fields;
  std::size_t pos = 0;
  while (pos < message.size()) {
    auto key = KADM_TRY(read_varint(message, pos));
    Field f;
    auto number = key >> 3;
    if (number == 0 || number > 0x1fffffff) {
      return malformed("invalid field number " + std::to_string(number));
    }
    f.number = static_cast<int>(number);
    switch (key & 7) {
      case 0:
        f.type = WireType::Varint;
        f.varint = KADM_TRY(read_varint(message, pos));
        break;
      case 1:
      case 5: {
        std::size_t width = (key & 7) == 1 ? 8 : 4;
        if (message.size() - pos < width) return malformed("truncated fixed-width field");
        f.type = width == 8 ? WireType::Fixed64 : WireType::Fixed32;
        for (std::size_t i = 0; i < width; ++i) {
          f.varint |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(message[pos + i]))
                      << (8 * i);
        }
        pos += width;
        break;
      }
      case 2: {
        auto length = KADM_TRY(read_varint(message, pos));
        if (length > message.size() - pos) {
          return malformed("field " + std::to_string(number) + " claims " + std::to_string(length) +
                           " bytes, " + std::to_string(message.size() - pos) + " remain");
        }
        f.type = WireType::Len;
        f.bytes = message.substr(pos, static_cast<std::size_t>(length));
        pos += static_cast<std::size_t>(length);
        break;
      }
      default:
        return malformed("unsupported wire type " + std::to_string(key & 7) + " (field " +
                         std::to_string(number) + ")");
    }
    fields.push_back(f);
  }
  return fields;
}

}  // namespace kadm::cri::pb
