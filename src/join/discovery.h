#pragma once
// Finding and trusting the cluster before joining it (spec §5.4, §5.5): token discovery reads
// cluster-info without trusting the server, checks the token's JWS and the CA pins, then reads it
// again over verified TLS; file discovery reads a kubeconfig from a path or an https URL.
// Definitive answers (bad signature, unpinned CA, token unknown after a grace period) fail at
// once; only "not reachable / not signed yet" is polled, bounded by the discovery timeout.

#include <string>

#include <nlohmann/json.hpp>

#include "apiclient/clock.h"
#include "certs/pin.h"
#include "common/duration.h"
#include "common/error.h"
#include "config/types.h"
#include "join/discovery_file.h"
#include "token/bootstrap_token.h"

namespace kadm::join {

// What discovery found: where the API server is, which CA to trust, and the credentials of the
// TLS bootstrap (the bootstrap token, or a discovery file's own without --tls-bootstrap-token).
struct DiscoveredCluster {
  std::string server;  // "https://host:port"
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;  // secret
  std::string token;           // secret
};

struct DiscoveryOptions {
  Duration timeout{300000};  // timeouts.discovery
  // Pauses between attempts: exponential backoff with full jitter from poll_interval up to
  // backoff_max, never shorter than the server's Retry-After (429/503).
  Duration poll_interval{500};
  Duration backoff_max{5000};
  // The longest single network attempt (each is also cut to what is left of `timeout`).
  Duration attempt_cap{5000};
  // How long a missing signature for our token id counts as "not signed yet" (the bootstrap
  // signer needs a moment for a new token) before it is reported as an invalid/expired token.
  // Counted from the first cluster-info actually read: time spent on an overloaded or
  // unreachable server is no evidence against the token.
  Duration signature_grace{15000};
  apiclient::Clock* clock = nullptr;  // null: the real clock
};

// One cluster-info ConfigMap checked against the token and the pins (steps 3–6 of §5.4).
// A missing signature is ErrorKind::NotFound (the caller decides whether to wait); every other
// failure is definitive. Every pin given is checked; `skip_ca_verification` only allows `pins`
// to be empty (kubeadm's rule for --discovery-token-unsafe-skip-ca-verification).
Result<DiscoveredCluster> verify_cluster_info(const nlohmann::json& configmap,
                                              const token::TokenString& token,
                                              const certs::PinSet& pins, bool skip_ca_verification);

// The discovery file refreshed by the cluster-info ConfigMap read through it: the CA comes from
// cluster-info only when the file has none; another server only warns; an unusable
// cluster-info leaves the file as it is.
DiscoveredCluster merge_cluster_info(const DiscoveryFile& file, const nlohmann::json& configmap);

// The message for a token the cluster has not signed (unknown, deleted or expired).
std::string invalid_token_message(std::string_view token_id);

Result<DiscoveredCluster> discover_with_token(const config::BootstrapTokenDiscovery& discovery,
                                              const DiscoveryOptions& options);
// Reads the discovery file, then cluster-info through it: any HTTP answer over TLS verified
// with the file's CA proves the server (403/401/404 are accepted); a TLS failure is definitive.
// With --tls-bootstrap-token that token replaces the file's credentials for the bootstrap.
Result<DiscoveredCluster> discover_with_file(const config::FileDiscovery& discovery,
                                             const std::string& tls_bootstrap_token,
                                             const DiscoveryOptions& options);
// Dispatches on the configuration (exactly one discovery method is set after validation).
Result<DiscoveredCluster> discover(const config::Discovery& discovery,
                                   const DiscoveryOptions& options);

}  // namespace kadm::join
