#include "config/net.h"

#include <arpa/inet.h>

#include <charconv>

namespace kadm::config {

namespace {

bool prefix_equal(const IpAddress& a, const IpAddress& b, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const auto byte = static_cast<size_t>(bit / 8);
    const int mask = 0x80 >> (bit % 8);
    if ((a.bytes[byte] & mask) != (b.bytes[byte] & mask)) return false;
  }
  return true;
}

}  // namespace

bool Cidr::contains(const IpAddress& ip) const {
  return ip.v6 == base.v6 && prefix_equal(base, ip, prefix);
}

bool Cidr::overlaps(const Cidr& other) const {
  if (base.v6 != other.base.v6) return false;
  // Two aligned ranges overlap exactly when the shorter prefix contains the other's base.
  return prefix_equal(base, other.base, std::min(prefix, other.prefix));
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  IpAddress ip;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  ip.v6 = true;
  return ip;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const auto digits = text.substr(slash + 1);
  int prefix = -1;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size())
    return std::nullopt;
  if (prefix < 0 || prefix > ip->bits()) return std::nullopt;
  return Cidr{*ip, prefix};
}

bool is_dns1123_subdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label_len = 0;
  char prev = '.';
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '.') {
      if (label_len == 0 || prev == '-') return false;
      label_len = 0;
    } else if (c == '-') {
      if (label_len == 0) return false;
      ++label_len;
    } else if (alnum) {
      ++label_len;
    } else {
      return false;
    }
    if (label_len > 63) return false;
    prev = c;
  }
  return prev != '.' && prev != '-';
}

}  // namespace kadm::config
