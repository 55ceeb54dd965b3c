#include "config/advertise_address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <optional>
#include <sstream>

#include "common/fs.h"

namespace kadm::config {

namespace {

struct IfaddrsDeleter {
  void operator()(ifaddrs* p) const { freeifaddrs(p); }
};
using IfaddrsPtr = std::unique_ptr<ifaddrs, IfaddrsDeleter>;

std::optional<InterfaceAddress> to_interface_address(const ifaddrs& ifa) {
  if (ifa.ifa_addr == nullptr || (ifa.ifa_flags & IFF_UP) == 0) return std::nullopt;
  InterfaceAddress a;
  a.interface = ifa.ifa_name;
  a.loopback = (ifa.ifa_flags & IFF_LOOPBACK) != 0;
  char buf[INET6_ADDRSTRLEN] = {};
  if (ifa.ifa_addr->sa_family == AF_INET) {
    sockaddr_in sin{};
    std::memcpy(&sin, ifa.ifa_addr, sizeof sin);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
    a.link_local = (ntohl(sin.sin_addr.s_addr) >> 16) == 0xa9fe;  // 169.254/16
  } else if (ifa.ifa_addr->sa_family == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, ifa.ifa_addr, sizeof sin6);
    inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
    a.v6 = true;
    a.link_local = sin6.sin6_addr.s6_addr[0] == 0xfe && (sin6.sin6_addr.s6_addr[1] & 0xc0) == 0x80;
  } else {
    return std::nullopt;
  }
  a.ip = buf;
  return a;
}

bool usable(const InterfaceAddress& a) { return !a.loopback && !a.link_local; }

}  // namespace

std::string default_route_interface(const std::string& proc_net_route) {
  std::istringstream in(proc_net_route);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string iface, destination, gateway, flags, refcnt, use, metric, mask;
    if (!(fields >> iface >> destination >> gateway >> flags >> refcnt >> use >> metric >> mask)) {
      continue;
    }
    if (destination == "00000000" && mask == "00000000") return iface;
  }
  return "";
}

Result<HostNetwork> read_host_network() {
  HostNetwork net;
  // No /proc/net/route (containers without procfs) just means no default route is known.
  if (auto route = fs::read_file("/proc/net/route"))
    net.default_route_interface = default_route_interface(*route);
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0) {
    return fail(ErrorKind::Io, std::string("list network interfaces: ") + std::strerror(errno));
  }
  IfaddrsPtr list(raw);
  for (const ifaddrs* p = list.get(); p != nullptr; p = p->ifa_next) {
    if (auto a = to_interface_address(*p)) net.addresses.push_back(*a);
  }
  return net;
}

Result<std::string> choose_advertise_address(const HostNetwork& net) {
  for (const auto& a : net.addresses) {
    if (!a.v6 && usable(a) && a.interface == net.default_route_interface) return a.ip;
  }
  for (bool want_v6 : {false, true}) {
    for (const auto& a : net.addresses) {
      if (a.v6 == want_v6 && usable(a)) return a.ip;
    }
  }
  return fail(ErrorKind::Validation,
              "unable to find a usable network address to advertise (no default route and no "
              "global non-loopback address): pass --apiserver-advertise-address or set "
              "localAPIEndpoint.advertiseAddress");
}

Result<std::string> detect_advertise_address() {
  auto net = KADM_TRY(read_host_network());
  return choose_advertise_address(net);
}

}  // namespace kadm::config
