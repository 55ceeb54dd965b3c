#include "certs/net.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace kadm::certs {
namespace {

struct ParsedIp {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  size_t size = 0;
};

std::optional<ParsedIp> parse_ip(std::string_view text) {
  std::string s(text);
  ParsedIp ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    ip.size = 4;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    ip.size = 16;
    return ip;
  }
  return std::nullopt;
}

std::string format_ip(const ParsedIp& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.family, ip.bytes.data(), buf, sizeof buf);
  return buf;
}

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool is_dns1123_label(std::string_view l) {
  if (l.empty() || l.size() > 63) return false;
  if (l.front() == '-' || l.back() == '-') return false;
  for (char c : l) {
    if (!is_label_char(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> canonical_ip(std::string_view text) {
  auto ip = parse_ip(text);
  if (!ip) return std::nullopt;
  return format_ip(*ip);
}

Result<std::string> ip_in_cidr(std::string_view cidr, unsigned index) {
  auto bad = [&] {
    return fail(ErrorKind::Validation, "invalid CIDR \"" + std::string(cidr) + "\"");
  };
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return bad();
  auto ip = parse_ip(cidr.substr(0, slash));
  if (!ip) return bad();
  auto bits_text = cidr.substr(slash + 1);
  unsigned bits = 0;
  auto [ptr, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (ec != std::errc() || ptr != bits_text.data() + bits_text.size() || bits > ip->size * 8) {
    return bad();
  }
  for (size_t i = 0; i < ip->size; ++i) {
    size_t first_bit = i * 8;
    if (first_bit >= bits) {
      ip->bytes[i] = 0;
    } else if (bits - first_bit < 8) {
      ip->bytes[i] &= static_cast<unsigned char>(0xff << (8 - (bits - first_bit)));
    }
  }
  // Add `index` to the network address, byte by byte from the end.
  unsigned carry = index;
  for (size_t i = ip->size; i-- > 0 && carry;) {
    unsigned sum = ip->bytes[i] + (carry & 0xff);
    ip->bytes[i] = static_cast<unsigned char>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  return format_ip(*ip);
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_dns1123_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_wildcard_dns1123_subdomain(std::string_view s) {
  return s.size() > 2 && s.substr(0, 2) == "*." && is_dns1123_subdomain(s.substr(2));
}

Result<HostPort> parse_host_port(std::string_view endpoint) {
  auto bad = [&](std::string why) {
    return fail(ErrorKind::Validation,
                "invalid endpoint \"" + std::string(endpoint) + "\": " + std::move(why));
  };
  HostPort out;
  std::string_view port_text;
  if (!endpoint.empty() && endpoint.front() == '[') {
    auto close = endpoint.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    out.host = std::string(endpoint.substr(1, close - 1));
    auto rest = endpoint.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("unexpected text after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else if (auto first = endpoint.find(':');
             first != std::string_view::npos &&
             endpoint.find(':', first + 1) == std::string_view::npos) {
    out.host = std::string(endpoint.substr(0, first));
    port_text = endpoint.substr(first + 1);
    if (port_text.empty()) return bad("empty port");
  } else {
    out.host = std::string(endpoint);
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return bad("port must be a number between 1 and 65535");
    }
    out.port = port;
  }
  if (auto ip = canonical_ip(out.host)) {
    out.host = *ip;
  } else if (!is_dns1123_subdomain(out.host)) {
    return bad("host is neither an IP address nor a valid DNS name");
  }
  return out;
}

std::string https_url(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace kadm::certs
