#pragma once
// Subject alternative names of the serving certificates (spec §1.2).

#include <string>
#include <string_view>
#include <vector>

#include "certs/x509.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

// Collects SANs: DNS names end up de-duplicated and sorted, IPs de-duplicated in first-seen order.
class AltNamesBuilder {
 public:
  void add_dns(std::string name);
  void add_ip(std::string ip);
  // A user-supplied entry (certSANs, etcd SANs): IP, DNS-1123 subdomain or wildcard; anything
  // else is skipped with a warning naming `cert_file`.
  void add_user_entry(const std::string& entry, std::string_view cert_file);
  AltNames finish() const;

 private:
  std::vector<std::string> m_dns;
  std::vector<std::string> m_ips;
};

Result<AltNames> apiserver_alt_names(const config::InitConfiguration& cfg,
                                     std::string_view cert_file);
Result<AltNames> etcd_server_alt_names(const config::InitConfiguration& cfg,
                                       std::string_view cert_file);
Result<AltNames> etcd_peer_alt_names(const config::InitConfiguration& cfg,
                                     std::string_view cert_file);

}  // namespace kadm::certs
