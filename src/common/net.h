#pragma once
// IP addresses, CIDRs, DNS-1123 names and host[:port] endpoints: the one implementation that
// configuration validation, certificate SANs and kubeconfig server URLs share. Pure functions
// over inet_pton/inet_ntop; no host access.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::net {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int bits() const { return v6 ? 128 : 32; }
  /// Canonical text ("10.96.0.1", "fd00::1").
  std::string str() const;
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress base;  // as written (host bits may be set)
  int prefix = 0;
  /// True if `ip` is of the same family and inside this range.
  bool contains(const IpAddress& ip) const;
  /// True if the two ranges share at least one address (different families never overlap).
  bool overlaps(const Cidr& other) const;
  /// The address `index` places after the network address (host bits cleared first).
  IpAddress nth(unsigned index) const;
};

/// kubeadm's fixed offsets inside the service subnet.
inline constexpr unsigned kServiceVipIndex = 1;  // the `kubernetes` Service
inline constexpr unsigned kDnsIpIndex = 10;      // the cluster DNS Service

/// nullopt unless `text` is a literal IPv4 or IPv6 address.
std::optional<IpAddress> parse_ip(std::string_view text);
/// nullopt unless `text` is "<ip>/<prefix>" with a prefix valid for the family.
std::optional<Cidr> parse_cidr(std::string_view text);
/// The canonical text of an IP address, or nullopt when `text` is not one.
std::optional<std::string> canonical_ip(std::string_view text);
/// The address at `index` inside a CIDR as text ("10.96.0.0/12", 1 → "10.96.0.1"); a
/// Validation error naming the CIDR when it does not parse.
Result<std::string> nth_ip(std::string_view cidr, unsigned index);

inline constexpr std::size_t kDns1123SubdomainMax = 253;
inline constexpr std::size_t kDns1123LabelMax = 63;
/// True if `name` is a lower-case RFC 1123 subdomain (what Kubernetes accepts as a node name).
bool is_dns1123_subdomain(std::string_view name);
/// Why `name` is not a lower-case RFC 1123 subdomain ("it contains the character '_'"); "" when
/// it is one.
std::string dns1123_subdomain_problem(std::string_view name);
/// "*.<subdomain>", as allowed in certificate SANs.
bool is_wildcard_dns1123_subdomain(std::string_view name);

struct HostPort {
  std::string host;  // without brackets
  std::optional<int> port;
};
/// "host", "host:port", "[v6]:port", "v6" split into host (brackets removed) and port, the
/// port checked, the host as written.
Result<HostPort> split_host_port(std::string_view endpoint);
/// split_host_port, the host also an IP address (made canonical) or a DNS-1123 subdomain — as
/// kubeadm parses controlPlaneEndpoint.
Result<HostPort> parse_host_port(std::string_view endpoint);
/// The host and port of a URL ("https://[fd00::1]:6443/readyz" → fd00::1, 6443): the scheme
/// and everything from the first '/' after the authority are dropped, the rest is
/// parse_host_port's.
Result<HostPort> parse_url_host_port(std::string_view url);
/// "host:port", with an IPv6 host bracketed ("[::1]:2379").
std::string join_host_port(std::string_view host, int port);
/// "https://host:port" with IPv6 hosts bracketed.
std::string https_url(const std::string& host, int port);

}  // namespace kadm::net
