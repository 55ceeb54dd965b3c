#pragma once
// Chooses the address the API server advertises when none is configured: the IPv4 address of
// the interface that holds the default route, else the first global non-loopback address
// (IPv4 before IPv6). Reading the host and choosing are separate so the choice is testable.

#include <string>
#include <vector>

#include "common/error.h"

namespace kadm::config {

struct InterfaceAddress {
  std::string interface;
  std::string ip;  // textual form
  bool v6 = false;
  bool loopback = false;
  bool link_local = false;
};

struct HostNetwork {
  std::string default_route_interface;  // "" if there is no IPv4 default route
  std::vector<InterfaceAddress> addresses;
};

/// Parses the text of /proc/net/route; returns the interface of the IPv4 default route or "".
std::string default_route_interface(const std::string& proc_net_route);
/// Reads /proc/net/route and getifaddrs(3). Fails only if the interface list cannot be read.
Result<HostNetwork> read_host_network();
/// Picks the advertise address from `net`; a Validation error if nothing suitable exists.
Result<std::string> choose_advertise_address(const HostNetwork& net);
/// read_host_network() + choose_advertise_address(); the production AddressDetector.
Result<std::string> detect_advertise_address();

}  // namespace kadm::config
