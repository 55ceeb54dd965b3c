#pragma once
// What a worker's kubelet needs for kubeadm's TLS bootstrap, as text: bootstrap-kubelet.conf,
// and the name of the kubelet-config ConfigMap for a cluster version. (kubelet.conf after a
// direct bootstrap: src/kubelet/client_credentials.h.)

#include <string>
#include <string_view>

#include "config/version.h"

namespace kadm::join {

// What the kubelet authenticates with for its TLS bootstrap: the bootstrap token, or the client
// certificate of a discovery file that has no token.
struct BootstrapCredentials {
  std::string token;            // secret
  std::string client_cert_pem;  // used when token is empty
  std::string client_key_pem;   // secret
};

// bootstrap-kubelet.conf (spec §5.4): user tls-bootstrap-token-user with those credentials.
std::string bootstrap_kubeconfig(const std::string& server, const std::string& ca_pem,
                                 const BootstrapCredentials& creds);

// "kubelet-config" since v1.24, "kubelet-config-<major>.<minor>" before.
std::string kubelet_config_map_name(const config::KubeVersion& version);

}  // namespace kadm::join
