#include "certs/cert_table.h"

#include "certs/alt_names.h"

namespace kadm::certs {
namespace {

using EKU = ExtKeyUsage;

template <const char* Name>
std::string fixed(const config::InitConfiguration&) {
  return Name;
}
std::string node_name(const config::InitConfiguration& cfg) { return cfg.node_registration.name; }

std::vector<std::string> no_orgs(const VersionRules&) { return {}; }
std::vector<std::string> admin_orgs(const VersionRules& r) { return {r.admin_group}; }
std::vector<std::string> kubelet_client_orgs(const VersionRules& r) {
  if (r.kubelet_client_without_group) return {};
  return admin_orgs(r);
}
std::vector<std::string> etcd_client_orgs(const VersionRules& r) { return r.etcd_client_orgs; }

constexpr char kCaCn[] = "kubernetes";
constexpr char kApiserverCn[] = "kube-apiserver";
constexpr char kKubeletClientCn[] =
    "kube-apiserver-kubelet-client";  // constants::kApiserverKubeletClientUser
constexpr char kFrontProxyCaCn[] = "front-proxy-ca";
constexpr char kFrontProxyClientCn[] = "front-proxy-client";
constexpr char kEtcdCaCn[] = "etcd-ca";
constexpr char kHealthcheckCn[] = "kube-etcd-healthcheck-client";
constexpr char kEtcdClientCn[] = "kube-apiserver-etcd-client";
constexpr char kNone[] = "";

}  // namespace

const std::vector<CertDef>& cert_table() {
  static const std::vector<CertDef> table{
      {"ca",
       "ca",
       "Generate the self-signed Kubernetes CA that issues identities to the other components",
       "",
       CertKind::Ca,
       fixed<kCaCn>,
       no_orgs,
       {},
       nullptr,
       false},
      {"apiserver",
       "apiserver",
       "Generate the certificate the Kubernetes API server serves with",
       "ca",
       CertKind::Leaf,
       fixed<kApiserverCn>,
       no_orgs,
       {EKU::ServerAuth},
       apiserver_alt_names,
       false},
      {"apiserver-kubelet-client",
       "apiserver-kubelet-client",
       "Generate the certificate the API server uses to connect to kubelets",
       "ca",
       CertKind::Leaf,
       fixed<kKubeletClientCn>,
       kubelet_client_orgs,
       {EKU::ClientAuth},
       nullptr,
       false},
      {"front-proxy-ca",
       "front-proxy-ca",
       "Generate the self-signed CA that issues identities for the front proxy",
       "",
       CertKind::Ca,
       fixed<kFrontProxyCaCn>,
       no_orgs,
       {},
       nullptr,
       false},
      {"front-proxy-client",
       "front-proxy-client",
       "Generate the client certificate of the front proxy",
       "front-proxy-ca",
       CertKind::Leaf,
       fixed<kFrontProxyClientCn>,
       no_orgs,
       {EKU::ClientAuth},
       nullptr,
       false},
      {"etcd-ca",
       "etcd/ca",
       "Generate the self-signed CA that issues identities for etcd",
       "",
       CertKind::Ca,
       fixed<kEtcdCaCn>,
       no_orgs,
       {},
       nullptr,
       true},
      {"etcd-server",
       "etcd/server",
       "Generate the certificate etcd serves with",
       "etcd-ca",
       CertKind::Leaf,
       node_name,
       no_orgs,
       {EKU::ServerAuth, EKU::ClientAuth},
       etcd_server_alt_names,
       true},
      {"etcd-peer",
       "etcd/peer",
       "Generate the certificate etcd members use to talk to each other",
       "etcd-ca",
       CertKind::Leaf,
       node_name,
       no_orgs,
       {EKU::ServerAuth, EKU::ClientAuth},
       etcd_peer_alt_names,
       true},
      {"etcd-healthcheck-client",
       "etcd/healthcheck-client",
       "Generate the client certificate that liveness probes use to check etcd",
       "etcd-ca",
       CertKind::Leaf,
       fixed<kHealthcheckCn>,
       etcd_client_orgs,
       {EKU::ClientAuth},
       nullptr,
       true},
      {"apiserver-etcd-client",
       "apiserver-etcd-client",
       "Generate the client certificate the API server uses to reach etcd",
       "etcd-ca",
       CertKind::Leaf,
       fixed<kEtcdClientCn>,
       etcd_client_orgs,
       {EKU::ClientAuth},
       nullptr,
       true},
      {"sa",
       "sa",
       "Generate the private key that signs service account tokens, and its public key",
       "",
       CertKind::ServiceAccountKey,
       fixed<kNone>,
       no_orgs,
       {},
       nullptr,
       false},
  };
  return table;
}

const CertDef* find_cert(std::string_view name) {
  for (const auto& def : cert_table()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

bool uses_external_etcd(const config::InitConfiguration& cfg) {
  return cfg.cluster.etcd.external.has_value();
}

std::vector<const CertDef*> active_certs(const config::InitConfiguration& cfg) {
  std::vector<const CertDef*> out;
  for (const auto& def : cert_table()) {
    if (def.local_etcd_only && uses_external_etcd(cfg)) continue;
    out.push_back(&def);
  }
  return out;
}

Result<CertRequest> request_for(const CertDef& def, const config::InitConfiguration& cfg,
                                const VersionRules& rules) {
  CertRequest req;
  req.common_name = def.common_name(cfg);
  req.organizations = def.organizations(rules);
  req.usages = def.usages;
  if (def.kind == CertKind::Ca) {
    req.alt_names.dns = {req.common_name};
  } else if (def.alt_names) {
    req.alt_names = KADM_TRY(def.alt_names(cfg, std::string(def.base_name) + ".crt"));
  }
  return req;
}

}  // namespace kadm::certs
