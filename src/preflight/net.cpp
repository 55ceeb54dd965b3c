#include "preflight/net.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace kadm::preflight::net {

namespace {
int width(const Ip& ip) { return ip.v6 ? 128 : 32; }

Ip masked(Ip ip, int prefix) {
  int bytes = width(ip) / 8;
  for (int i = 0; i < bytes; ++i) {
    int keep = std::clamp(prefix - i * 8, 0, 8);
    ip.bytes[static_cast<size_t>(i)] &= static_cast<unsigned char>(0xFF00 >> keep);
  }
  return ip;
}
}  // namespace

std::string Ip::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<Ip> parse_ip(std::string_view text) {
  Ip ip;
  std::string s(text);
  ip.v6 = s.find(':') != std::string::npos;
  if (::inet_pton(ip.v6 ? AF_INET6 : AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int prefix = -1;
  auto digits = text.substr(slash + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || prefix < 0 ||
      prefix > width(*ip)) {
    return std::nullopt;
  }
  return Cidr{masked(*ip, prefix), prefix, std::string(text)};
}

bool Cidr::contains(const Ip& ip) const {
  if (ip.v6 != base.v6) return false;
  return masked(ip, prefix).bytes == base.bytes;
}

bool Cidr::overlaps(const Cidr& other) const {
  return contains(other.base) || other.contains(base);
}

Ip Cidr::first_ip() const {
  Ip ip = base;
  for (int i = width(ip) / 8 - 1; i >= 0; --i) {
    if (++ip.bytes[static_cast<size_t>(i)] != 0) break;
  }
  return ip;
}

}  // namespace kadm::preflight::net
