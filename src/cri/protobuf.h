#pragma once
// The few pieces of the protobuf wire format the CRI client needs: varints and length-delimited
// fields, written and read. Decoding never trusts its input: truncated or malformed bytes give an
// Error, never a read past the end.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::cri::pb {

enum class WireType : std::uint8_t { Varint = 0, Fixed64 = 1, Len = 2, Fixed32 = 5 };

class Writer {
 public:
  Writer& varint(int field, std::uint64_t value);
  // proto3 omits default values; these helpers follow that, so encodings stay canonical.
  Writer& boolean(int field, bool value) { return value ? varint(field, 1) : *this; }
  Writer& string(int field, std::string_view value);
  Writer& message(int field, const Writer& nested);  // always written, even when empty
  const std::string& bytes() const { return m_out; }

 private:
  void key(int field, WireType type);
  void raw_varint(std::uint64_t value);
  std::string m_out;
};

struct Field {
  int number = 0;
  WireType type = WireType::Varint;
  std::uint64_t varint = 0;  // Varint, Fixed64, Fixed32
  std::string_view bytes;    // Len: views into the parsed buffer
};

// Splits a message into its fields, in wire order (repeated fields appear once per element).
// Groups (wire types 3/4), field number 0, truncation and over-long varints are errors.
Result<std::vector<Field>> parse(std::string_view message);

// Reads one varint at `pos`, advancing it; an error when truncated or longer than 10 bytes.
Result<std::uint64_t> read_varint(std::string_view in, std::size_t& pos);

}  // namespace kadm::cri::pb
