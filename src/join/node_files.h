#pragma once
// What a worker's kubelet needs on disk after the TLS bootstrap, as text: kubelet.conf pointing
// at the rotatable client certificate, bootstrap-kubelet.conf, and the name of the
// kubelet-config ConfigMap for a cluster version.

#include <chrono>
#include <string>
#include <string_view>

#include "config/version.h"

namespace kadm::join {

// kubelet.conf as the kubelet writes it after bootstrapping: cluster CA embedded, user
// credentials from `client_pem_path` (cert + key in one file, rotated by the kubelet).
std::string kubelet_kubeconfig(const std::string& server, const std::string& ca_pem,
                               const std::string& client_pem_path);

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

// "kubelet-client-2024-05-01-13-45-10.pem" (the kubelet's naming, UTC).
std::string kubelet_client_file_name(std::chrono::system_clock::time_point now);

}  // namespace kadm::join
