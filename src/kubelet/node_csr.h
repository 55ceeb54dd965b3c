#pragma once
// The kubelet client CertificateSigningRequest a joining node sends (spec §7.3): the PKCS#10
// request and the certificates.k8s.io/v1 object the csrapprover accepts.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::kubelet {

inline constexpr std::string_view kKubeletClientSigner =
    "kubernetes.io/kube-apiserver-client-kubelet";

// PEM "CERTIFICATE REQUEST" with CN system:node:<node>, O system:nodes, signed by `key`.
Result<std::string> node_csr_pem(EVP_PKEY* key, std::string_view node_name);

// The CertificateSigningRequest object; usages digital signature + client auth, plus key
// encipherment for RSA keys (what the approver expects for each key type).
nlohmann::json node_csr_object(std::string_view name, const std::string& csr_pem, bool rsa_key);

// "node-csr-<random>": unique per request, like the kubelet's names.
Result<std::string> node_csr_name();

// The subject CN of a PEM "CERTIFICATE REQUEST"; "" when it does not parse.
std::string csr_common_name(std::string_view request_pem);

// What the API says about one CSR: issued certificate, refusal, or still pending.
struct CsrState {
  enum class Phase { Pending, Issued, Denied, Failed } phase = Phase::Pending;
  std::string certificate_pem;
  std::string reason;  // Denied/Failed condition reason + message
};
CsrState csr_state(const nlohmann::json& csr);

}  // namespace kadm::kubelet
