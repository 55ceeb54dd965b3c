#pragma once
// `kadm join --tls-bootstrap=kubelet` waits for the kubelet's own TLS bootstrap (spec §7.2,
// §7.3). kubelet.conf alone proves nothing: a kubelet with certificate rotation writes it before
// it holds a certificate, pointing at the file the certificate will land in. So the wait accepts
// kubelet.conf only once the client certificate and key it names exist, load and belong
// together. On timeout the error says where the bootstrap stopped (from the CSRs the bootstrap
// token created) and what to look at.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "common/error.h"

namespace kadm::join {

// Ok when `kubelet_conf` loads, names a server, and its client certificate and key (inline or
// files) load and match; otherwise the error says what is missing yet. When given, the
// certificate must also be for system:node:<node_name> and signed by `ca_pem` (a kubelet.conf
// left from another cluster or node is not this join's result).
Status kubelet_conf_usable(const std::filesystem::path& kubelet_conf,
                           std::string_view node_name = {}, std::string_view ca_pem = {});

// The bootstrap token's user name, "system:bootstrap:<token id>"; empty for a malformed token.
std::string bootstrap_token_user(std::string_view token);

// One sentence about the newest CertificateSigningRequest `username` created for
// system:node:<node_name> (any node when empty), from a CertificateSigningRequestList: none seen,
// waiting for approval, approved but not signed, denied or failed, or issued. Says what to check
// or do for each. (A bootstrap token is often shared by many nodes: their CSRs do not count.)
std::string bootstrap_csr_diagnosis(const nlohmann::json& csr_list, std::string_view username,
                                    std::string_view node_name = {});

struct KubeletBootstrapWait {
  std::filesystem::path kubelet_conf = "/etc/kubernetes/kubelet.conf";
  Duration timeout{300000};  // timeouts.tlsBootstrap
  Duration interval{250};
  std::string node_name;              // expected identity; empty: any
  std::string ca_pem;                 // expected issuer; empty: any
  std::string csr_username;           // whose CSRs explain a timeout; empty: do not look
  apiclient::Clock* clock = nullptr;  // null: the real clock
};

// Polls kubelet_conf_usable until it holds. The Timeout error names the file and why it is not
// usable, the CSR diagnosis (listed with `client`, the bootstrap token's client), and the
// kubelet's logs.
Status wait_for_kubelet_bootstrap(const KubeletBootstrapWait& wait, apiclient::Client& client);

}  // namespace kadm::join
