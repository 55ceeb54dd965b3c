#include "join/node_files.h"

#include "kubeconfig/kubeconfig_file.h"

namespace kadm::join {

std::string bootstrap_kubeconfig(const std::string& server, const std::string& ca_pem,
                                 const BootstrapCredentials& creds) {
  // A token when there is one; otherwise the client certificate a discovery file carried.
  const bool by_token = !creds.token.empty();
  return kubeconfig::render(
      kubeconfig::KubeconfigSpec{.cluster_name = "kubernetes",
                                 .server = server,
                                 .ca_pem = ca_pem,
                                 .user = "tls-bootstrap-token-user",
                                 .client_cert_pem = by_token ? "" : creds.client_cert_pem,
                                 .client_key_pem = by_token ? "" : creds.client_key_pem,
                                 .token = creds.token});
}

std::string kubelet_config_map_name(const config::KubeVersion& v) {
  if (v.at_least(1, 24)) return "kubelet-config";
  return "kubelet-config-" + std::to_string(v.major) + "." + std::to_string(v.minor);
}

}  // namespace kadm::join
