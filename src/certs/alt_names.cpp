#include "certs/alt_names.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/constants.h"
#include "common/net.h"
#include "common/strings.h"

namespace kadm::certs {
namespace {

Result<std::string> advertise_ip(const config::InitConfiguration& cfg) {
  auto ip = net::canonical_ip(cfg.local_api_endpoint.advertise_address);
  if (!ip) {
    return fail(ErrorKind::Validation, "error parsing LocalAPIEndpoint AdvertiseAddress \"" +
                                           cfg.local_api_endpoint.advertise_address +
                                           "\": not a valid IP address");
  }
  return *ip;
}

Result<AltNames> etcd_alt_names(const config::InitConfiguration& cfg,
                                const std::vector<std::string>& extra, std::string_view cert_file) {
  AltNamesBuilder b;
  b.add_dns(cfg.node_registration.name);
  b.add_dns("localhost");
  b.add_ip(KADM_TRY(advertise_ip(cfg)));
  b.add_ip("127.0.0.1");
  b.add_ip("::1");
  for (const auto& e : extra) b.add_user_entry(e, cert_file);
  return b.finish();
}

}  // namespace

void AltNamesBuilder::add_dns(std::string name) { m_dns.push_back(std::move(name)); }

void AltNamesBuilder::add_ip(std::string ip) {
  if (auto c = net::canonical_ip(ip)) ip = *c;
  m_ips.push_back(std::move(ip));
}

void AltNamesBuilder::add_user_entry(const std::string& entry, std::string_view cert_file) {
  if (auto ip = net::canonical_ip(entry)) {
    m_ips.push_back(*ip);
  } else if (net::is_dns1123_subdomain(entry) || net::is_wildcard_dns1123_subdomain(entry)) {
    m_dns.push_back(entry);
  } else {
    spdlog::warn(
        "[certificates] WARNING: '{}' was not added to the '{}' SAN, because it is not a valid IP "
        "or RFC-1123 compliant DNS entry",
        entry, cert_file);
  }
}

AltNames AltNamesBuilder::finish() const {
  AltNames out;
  std::set<std::string> dns(m_dns.begin(), m_dns.end());
  dns.erase("");
  out.dns.assign(dns.begin(), dns.end());
  for (const auto& ip : m_ips) {
    if (std::find(out.ips.begin(), out.ips.end(), ip) == out.ips.end()) out.ips.push_back(ip);
  }
  return out;
}

Result<AltNames> apiserver_alt_names(const config::InitConfiguration& cfg,
                                     std::string_view cert_file) {
  const auto& net = cfg.cluster.networking;
  std::string subnets = net.service_subnet.empty() ? std::string(constants::kDefaultServiceSubnet)
                                                   : net.service_subnet;
  auto subnet_list = str::split(subnets, ',');
  std::string first_subnet = subnet_list.empty() ? std::string() : str::trim(subnet_list.front());
  std::string domain =
      net.dns_domain.empty() ? std::string(constants::kDefaultDNSDomain) : net.dns_domain;

  AltNamesBuilder b;
  b.add_dns(cfg.node_registration.name);
  for (const char* n : {"kubernetes", "kubernetes.default", "kubernetes.default.svc"}) b.add_dns(n);
  b.add_dns("kubernetes.default.svc." + domain);
  b.add_ip(KADM_TRY_CTX(net::nth_ip(first_subnet, net::kServiceVipIndex),
                        "unable to get the first IP address from the service subnet"));
  b.add_ip(KADM_TRY(advertise_ip(cfg)));
  if (!cfg.cluster.control_plane_endpoint.empty()) {
    auto hp = KADM_TRY_CTX(net::parse_host_port(cfg.cluster.control_plane_endpoint),
                           "error parsing cluster controlPlaneEndpoint");
    if (net::canonical_ip(hp.host)) {
      b.add_ip(hp.host);
    } else {
      b.add_dns(hp.host);
    }
  }
  for (const auto& san : cfg.cluster.api_server.cert_sans) b.add_user_entry(san, cert_file);
  return b.finish();
}

Result<AltNames> etcd_server_alt_names(const config::InitConfiguration& cfg,
                                       std::string_view cert_file) {
  const auto& local = cfg.cluster.etcd.local;
  return etcd_alt_names(cfg, local ? local->server_cert_sans : std::vector<std::string>{},
                        cert_file);
}

Result<AltNames> etcd_peer_alt_names(const config::InitConfiguration& cfg,
                                     std::string_view cert_file) {
  const auto& local = cfg.cluster.etcd.local;
  return etcd_alt_names(cfg, local ? local->peer_cert_sans : std::vector<std::string>{}, cert_file);
}

}  // namespace kadm::certs
