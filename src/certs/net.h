#pragma once
// Small address helpers for SANs and endpoints (IPv4/IPv6, CIDRs, host[:port]).

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::certs {

// The canonical text of an IP address ("::1", "10.96.0.1"), or nullopt when `text` is not one.
std::optional<std::string> canonical_ip(std::string_view text);
// The address at `index` inside a CIDR ("10.96.0.0/12", 1 → "10.96.0.1").
Result<std::string> ip_in_cidr(std::string_view cidr, unsigned index);
bool is_dns1123_subdomain(std::string_view s);
bool is_wildcard_dns1123_subdomain(std::string_view s);

struct HostPort {
  std::string host;  // without brackets
  std::optional<int> port;
};
// "host", "host:port", "[v6]:port", "v6" — as kubeadm parses controlPlaneEndpoint.
Result<HostPort> parse_host_port(std::string_view endpoint);
// "https://host:port" with IPv6 hosts bracketed.
std::string https_url(const std::string& host, int port);

}  // namespace kadm::certs
