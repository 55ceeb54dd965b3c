#pragma once
// The kubelet's client certificate got by kadm itself (join's --tls-bootstrap=direct): a new
// key, a CertificateSigningRequest that kube-controller-manager approves and signs, and the files
// the kubelet reads it from. The run environment chooses this or, for --dry-run,
// plan_client_credentials, which sends nothing and plans kubelet.conf over an empty certificate.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "common/duration.h"
#include "common/error.h"
#include "plan/action.h"

namespace kadm::kubelet {

struct ClientCredentialsRequest {
  std::string node;                      // the certificate's user is system:node:<node>
  std::string server;                    // the cluster kubelet.conf names
  std::string ca_pem;                    // its CA, embedded in kubelet.conf
  std::filesystem::path kubeconfig_dir;  // kubelet.conf
  std::filesystem::path kubelet_dir;     // pki/kubelet-client-*.pem
  Duration timeout{300000};              // the whole exchange (timeouts.tlsBootstrap)
};

// kubelet.conf as the kubelet writes it after bootstrapping: cluster CA embedded, user
// credentials from `client_pem_path` (cert + key in one file, rotated by the kubelet).
std::string kubelet_kubeconfig(const std::string& server, const std::string& ca_pem,
                               const std::string& client_pem_path);

// "kubelet-client-2024-05-01-13-45-10.pem" (the kubelet's naming, UTC).
std::string kubelet_client_file_name(std::chrono::system_clock::time_point now);

// Requests the certificate through `client` and plans the node's credential files: the dated
// pem (certificate and key), the kubelet-client-current.pem link to it, kubelet.conf last.
Result<std::vector<plan::Action>> request_client_credentials(
    apiclient::Client& client, const ClientCredentialsRequest& request);

// A dry run's request_client_credentials: says it would request the certificate and plans an
// empty kubelet-client-current.pem and kubelet.conf.
Result<std::vector<plan::Action>> plan_client_credentials(apiclient::Client& client,
                                                          const ClientCredentialsRequest& request);

using ClientCredentials = std::function<Result<std::vector<plan::Action>>(
    apiclient::Client&, const ClientCredentialsRequest&)>;

}  // namespace kadm::kubelet
