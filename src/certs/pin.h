#pragma once
// CA public-key pins (spec §5.3): "sha256:<hex>" over the certificate's SubjectPublicKeyInfo DER.

#include <set>
#include <string>
#include <vector>

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs {

Result<std::string> public_key_pin(const std::string& cert_pem);
std::string public_key_pin(X509* cert);

class PinSet {
 public:
  // Accepts what config::parse_ca_cert_hash does: "sha256:<64 hex>", in any case.
  Status allow(const std::string& pin);
  bool empty() const { return m_sha256.empty(); }
  // Succeeds when any certificate's public key is pinned.
  Status check_any(const std::vector<X509*>& certs) const;

 private:
  std::set<std::string> m_sha256;  // lower-case hex
};

// A fresh key for `--certificate-key`: 32 random bytes as 64 hex characters.
Result<std::string> generate_certificate_key();

}  // namespace kadm::certs
