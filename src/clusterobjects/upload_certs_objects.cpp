#include "clusterobjects/upload_certs_objects.h"

#include <chrono>

#include "apiclient/objects.h"
#include "clusterobjects/rbac.h"
#include "clusterobjects/upload_config.h"
#include "common/constants.h"
#include "common/strings.h"

namespace kadm::clusterobjects {

std::vector<UploadedFile> uploaded_cert_files(const config::ClusterConfiguration& cluster) {
  const std::string dir = cluster.certificates_dir;
  std::vector<UploadedFile> files;
  for (std::string_view name :
       {"ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key"}) {
    files.push_back({dir + "/" + std::string(name), std::string(name)});
  }
  if (cluster.etcd.external) {
    const auto& e = *cluster.etcd.external;
    files.push_back({e.ca_file, "external-etcd-ca.crt"});
    files.push_back({e.cert_file, "external-etcd.crt"});
    files.push_back({e.key_file, "external-etcd.key"});
  } else {
    files.push_back({dir + "/etcd/ca.crt", "etcd-ca.crt"});
    files.push_back({dir + "/etcd/ca.key", "etcd-ca.key"});
  }
  return files;
}

json kubeadm_certs_secret(const std::map<std::string, std::string>& sealed,
                          const std::string& owner_name, const std::string& owner_uid) {
  json s = object_meta("v1", "Secret", apiclient::kKubeSystem, kKubeadmCertsSecret);
  s["type"] = "Opaque";
  json data = json::object();
  for (const auto& [key, value] : sealed) data[key] = str::base64_encode(value);
  s["data"] = std::move(data);
  s["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "v1"},
                                                   {"kind", "Secret"},
                                                   {"name", owner_name},
                                                   {"uid", owner_uid},
                                                   {"controller", true},
                                                   {"blockOwnerDeletion", true}}});
  return s;
}

std::vector<json> kubeadm_certs_rbac() {
  const std::string name = "kubeadm:kubeadm-certs";
  return {
      make_role(apiclient::kKubeSystem, name,
                {{{""}, {"secrets"}, {std::string(kKubeadmCertsSecret)}, {"get"}}}),
      make_role_binding(apiclient::kKubeSystem, name, name,
                        {{"Group", std::string(constants::kDefaultTokenGroup), ""}}),
  };
}

config::BootstrapToken certs_ttl_token(std::string token) {
  config::BootstrapToken t;
  t.token = std::move(token);
  t.description = std::string(kCertsTokenDescription);
  t.ttl = std::chrono::hours(2);
  // No usages and no groups, as kubeadm's short-lived token: it only owns the Secret, so it can
  // neither authenticate (join a node) nor sign cluster-info.
  return t;
}

}  // namespace kadm::clusterobjects
