#include "common/net.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "common/strings.h"

namespace kadm::net {

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

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool Cidr::contains(const IpAddress& ip) const {
  return ip.v6 == base.v6 && prefix_equal(base, ip, prefix);
}

bool Cidr::overlaps(const Cidr& other) const {
  if (base.v6 != other.base.v6) return false;
  // Two aligned ranges overlap exactly when the shorter prefix contains the other's base.
  return prefix_equal(base, other.base, std::min(prefix, other.prefix));
}

IpAddress Cidr::nth(unsigned index) const {
  IpAddress ip = base;
  const auto size = static_cast<size_t>(ip.bits() / 8);
  for (size_t i = 0; i < size; ++i) {
    const auto first_bit = static_cast<int>(i * 8);
    if (first_bit >= prefix) {
      ip.bytes[i] = 0;
    } else if (prefix - first_bit < 8) {
      ip.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (prefix - first_bit)));
    }
  }
  // Add `index` to the network address, byte by byte from the end.
  unsigned carry = index;
  for (size_t i = size; i-- > 0 && carry;) {
    const unsigned sum = ip.bytes[i] + (carry & 0xff);
    ip.bytes[i] = static_cast<std::uint8_t>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  return ip;
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

std::optional<std::string> canonical_ip(std::string_view text) {
  auto ip = parse_ip(text);
  if (!ip) return std::nullopt;
  return ip->str();
}

Result<std::string> nth_ip(std::string_view cidr, unsigned index) {
  auto c = parse_cidr(cidr);
  if (!c) return fail(ErrorKind::Validation, "invalid CIDR \"" + std::string(cidr) + "\"");
  return c->nth(index).str();
}

std::string dns1123_subdomain_problem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.size() > kDns1123SubdomainMax) {
    return "it is longer than " + std::to_string(kDns1123SubdomainMax) + " characters";
  }
  for (const auto& label : str::split(name, '.', false)) {
    if (label.empty()) return "it has an empty label";
    if (label.size() > kDns1123LabelMax) {
      return "label \"" + label + "\" is longer than " + std::to_string(kDns1123LabelMax) +
             " characters";
    }
    for (char c : label) {
      if (c >= 'A' && c <= 'Z') {
        return "it contains upper-case letters; use \"" + str::lower(name) + "\"";
      }
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return std::string("it contains the character '") + c + "'";
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "label \"" + label + "\" starts or ends with '-'";
    }
  }
  return "";
}

bool is_dns1123_subdomain(std::string_view name) { return dns1123_subdomain_problem(name).empty(); }

bool is_wildcard_dns1123_subdomain(std::string_view name) {
  return name.size() > 2 && name.substr(0, 2) == "*." && is_dns1123_subdomain(name.substr(2));
}

namespace {

std::unexpected<Error> invalid_endpoint(std::string_view endpoint, std::string_view why) {
  return fail(ErrorKind::Validation,
              "invalid endpoint \"" + std::string(endpoint) + "\": " + std::string(why));
}

}  // namespace

Result<HostPort> split_host_port(std::string_view endpoint) {
  HostPort out;
  std::string_view port_text;
  if (!endpoint.empty() && endpoint.front() == '[') {
    auto close = endpoint.find(']');
    if (close == std::string_view::npos) return invalid_endpoint(endpoint, "missing ']'");
    out.host = std::string(endpoint.substr(1, close - 1));
    auto rest = endpoint.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid_endpoint(endpoint, "unexpected text after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return invalid_endpoint(endpoint, "empty port");
    }
  } else if (auto first = endpoint.find(':');
             first != std::string_view::npos &&
             endpoint.find(':', first + 1) == std::string_view::npos) {
    out.host = std::string(endpoint.substr(0, first));
    port_text = endpoint.substr(first + 1);
    if (port_text.empty()) return invalid_endpoint(endpoint, "empty port");
  } else {
    out.host = std::string(endpoint);
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return invalid_endpoint(endpoint, "port must be a number between 1 and 65535");
    }
    out.port = port;
  }
  return out;
}

Result<HostPort> parse_host_port(std::string_view endpoint) {
  auto out = KADM_TRY(split_host_port(endpoint));
  if (auto ip = canonical_ip(out.host)) {
    out.host = *ip;
  } else if (!is_dns1123_subdomain(out.host)) {
    return invalid_endpoint(endpoint, "host is neither an IP address nor a valid DNS name");
  }
  return out;
}

Result<HostPort> parse_url_host_port(std::string_view url) {
  std::string_view authority = url;
  if (auto scheme = authority.find("://"); scheme != std::string_view::npos) {
    authority.remove_prefix(scheme + 3);
  }
  authority = authority.substr(0, authority.find('/'));
  return parse_host_port(authority);
}

std::string join_host_port(std::string_view host, int port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

std::string https_url(const std::string& host, int port) {
  return "https://" + join_host_port(host, port);
}

}  // namespace kadm::net
