#pragma once
// The certificates of `kadm init phase certs`, as data (spec §1.1). Order matters: every CA
// comes before the certificates it signs.

#include <string>
#include <string_view>
#include <vector>

#include "certs/version_rules.h"
#include "certs/x509.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

enum class CertKind { Ca, Leaf, ServiceAccountKey };

struct CertDef {
  std::string_view name;       // phase name: "etcd-server"
  std::string_view base_name;  // file base under certificatesDir: "etcd/server"
  std::string_view long_help;
  std::string_view ca_name;  // phase name of the signing CA; "" for CAs and sa
  CertKind kind;
  std::string (*common_name)(const config::InitConfiguration&);
  std::vector<std::string> (*organizations)(const VersionRules&);
  std::vector<ExtKeyUsage> usages;
  // nullptr: no SANs (CAs get DNSNames=[CN] regardless).
  Result<AltNames> (*alt_names)(const config::InitConfiguration&, std::string_view cert_file);
  bool local_etcd_only;
};

const std::vector<CertDef>& cert_table();
const CertDef* find_cert(std::string_view name);
// The table rows that apply to this configuration (no etcd rows with external etcd).
std::vector<const CertDef*> active_certs(const config::InitConfiguration& cfg);
bool uses_external_etcd(const config::InitConfiguration& cfg);

// The identity of a table row for this configuration (computes SANs; may print SAN warnings).
Result<CertRequest> request_for(const CertDef& def, const config::InitConfiguration& cfg,
                                const VersionRules& rules);

}  // namespace kadm::certs
