#pragma once
// The API client of a joining node before it has credentials of its own (the bootstrap token
// or the discovery file's credentials), and what it reads from the cluster with it.

#include <memory>

#include "apiclient/curl_client.h"
#include "config/types.h"
#include "join/join_data.h"

namespace kadm::join {

// discovery.tlsBootstrapToken, else the discovery token (empty for file discovery with
// client certificates).
std::string tls_bootstrap_token(const JoinData& d, const DiscoveredCluster& c);

Result<std::unique_ptr<apiclient::CurlClient>> bootstrap_client(const JoinData& d,
                                                                const DiscoveredCluster& c);

// The ClusterConfiguration stored by init in kube-system/kubeadm-config.
Result<config::ClusterConfiguration> read_cluster_configuration(apiclient::Client& client);

}  // namespace kadm::join
