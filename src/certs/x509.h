#pragma once
// Building, signing, parsing and checking X.509 certificates, in memory (PEM in, PEM out).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

enum class ExtKeyUsage { ServerAuth, ClientAuth };

struct AltNames {
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // canonical string form
  bool operator==(const AltNames&) const = default;
};

// The identity a certificate carries.
struct CertRequest {
  std::string common_name;
  std::vector<std::string> organizations;
  AltNames alt_names;
  std::vector<ExtKeyUsage> usages;
};

// How a certificate is minted (times, serial, optional extensions); differs between versions.
struct SigningOptions {
  TimePoint not_before;
  TimePoint not_after;
  bool zero_serial = false;            // old self-signed CA helper
  bool leaf_basic_constraints = true;  // old leaves carried no BasicConstraints
};

Result<UniqueX509> create_self_signed_ca(const CertRequest& request, EVP_PKEY* key,
                                         const SigningOptions& options);
Result<UniqueX509> sign_leaf(const CertRequest& request, EVP_PKEY* public_key, X509* ca,
                             EVP_PKEY* ca_key, const SigningOptions& options);

Result<std::string> certificate_pem(X509* cert);
// The first certificate of a PEM bundle.
Result<UniqueX509> load_certificate(std::string_view pem);
// Every certificate of a PEM bundle (at least one).
Result<std::vector<UniqueX509>> load_certificates(std::string_view pem);

// Parsed fields, for checks, renewal and tests.
struct CertInfo {
  std::string common_name;
  std::vector<std::string> organizations;
  std::string issuer_common_name;
  AltNames alt_names;
  std::vector<ExtKeyUsage> usages;
  bool is_ca = false;
  bool has_basic_constraints = false;
  uint32_t key_usage = 0;  // OpenSSL KU_* bits
  TimePoint not_before;
  TimePoint not_after;
  std::string serial;  // decimal
};
CertInfo inspect(X509* cert);

// Chain verification against `ca` (any extended key usage, current time).
Status verify_signed_by(X509* cert, X509* ca, const std::vector<UniqueX509>& intermediates = {});
// Hostname / IP verification as a TLS client would do it.
bool certificate_matches_dns(X509* cert, const std::string& dns);
bool certificate_matches_ip(X509* cert, const std::string& ip);
bool key_matches_certificate(X509* cert, EVP_PKEY* key);

}  // namespace kadm::certs
