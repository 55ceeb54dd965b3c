#pragma once
// IP addresses and CIDRs as plain values for the proxy and overlap checks.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace kadm::preflight::net {

struct Ip {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 uses the first 4
  std::string str() const;
};

struct Cidr {
  Ip base;  // masked network address
  int prefix = 0;
  std::string text;  // as given
  bool contains(const Ip& ip) const;
  // Two networks overlap when either contains the other's network address.
  bool overlaps(const Cidr& other) const;
  // The first usable address (network + 1), as kubeadm probes the proxy with.
  Ip first_ip() const;
};

std::optional<Ip> parse_ip(std::string_view text);
std::optional<Cidr> parse_cidr(std::string_view text);

}  // namespace kadm::preflight::net
