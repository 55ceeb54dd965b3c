#pragma once
// IP address and CIDR parsing for configuration validation (service/pod subnets, advertise
// address, SANs). Pure functions over inet_pton; no host access.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kadm::config {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int bits() const { return v6 ? 128 : 32; }
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress base;  // as written (host bits may be set)
  int prefix = 0;
  /// True if `ip` is of the same family and inside this range.
  bool contains(const IpAddress& ip) const;
  /// True if the two ranges share at least one address (different families never overlap).
  bool overlaps(const Cidr& other) const;
};

/// nullopt unless `text` is a literal IPv4 or IPv6 address.
std::optional<IpAddress> parse_ip(std::string_view text);
/// nullopt unless `text` is "<ip>/<prefix>" with a prefix valid for the family.
std::optional<Cidr> parse_cidr(std::string_view text);
/// True if `name` is a lower-case RFC 1123 subdomain (what Kubernetes accepts as a node name).
bool is_dns1123_subdomain(std::string_view name);

}  // namespace kadm::config
