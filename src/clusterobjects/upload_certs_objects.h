#pragma once
// Objects of init phase upload-certs (spec §6.3): which files go into the kubeadm-certs Secret,
// the Secret itself (values already sealed) owned by its TTL token, and its RBAC.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/types.h"

namespace kadm::clusterobjects {

using json = nlohmann::json;

inline constexpr std::string_view kKubeadmCertsSecret = "kubeadm-certs";
inline constexpr std::string_view kCertsTokenDescription =
    "Proxy for managing TTL for the kubeadm-certs secret";

struct UploadedFile {
  std::string path;  // on this host
  std::string key;   // data key: the name under the PKI dir with '/' → '-'
};
// ca, front-proxy-ca, sa and (local etcd) etcd/ca, or (external etcd) the user's etcd files.
std::vector<UploadedFile> uploaded_cert_files(const config::ClusterConfiguration& cluster);

// Secret kube-system/kubeadm-certs; `sealed` maps data keys to sealed bytes (base64-encoded
// here). The owner is the TTL token's Secret (name + uid).
json kubeadm_certs_secret(const std::map<std::string, std::string>& sealed,
                          const std::string& owner_name, const std::string& owner_uid);
// Role + RoleBinding kubeadm:kubeadm-certs for the default bootstrap token group.
std::vector<json> kubeadm_certs_rbac();
// The 2h token whose expiry garbage-collects the Secret: no usages, no groups (it cannot be used
// to authenticate or to sign).
config::BootstrapToken certs_ttl_token(std::string token);

}  // namespace kadm::clusterobjects
