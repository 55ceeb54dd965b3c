#include "certs/pin.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>

#include "certs/x509.h"
#include "common/strings.h"
#include "config/token_rules.h"

namespace kadm::certs {

std::string public_key_pin(X509* cert) {
  unsigned char* raw = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &raw);
  UniqueOpenSslBytes der(raw);
  if (len <= 0) return {};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(der.get(), static_cast<size_t>(len), digest.data());
  return "sha256:" + str::hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                                      digest.size()));
}

Result<std::string> public_key_pin(const std::string& cert_pem) {
  auto cert = KADM_TRY(load_certificate(cert_pem));
  auto pin = public_key_pin(cert.get());
  if (pin.empty()) return fail(openssl_error("encode SubjectPublicKeyInfo"));
  return pin;
}

Status PinSet::allow(const std::string& pin) {
  m_sha256.insert(KADM_TRY(config::parse_ca_cert_hash(pin)));
  return {};
}

Status PinSet::check_any(const std::vector<X509*>& certs) const {
  std::vector<std::string> seen;
  constexpr std::string_view kPrefix = "sha256:";
  for (X509* cert : certs) {
    auto pin = public_key_pin(cert);
    if (!pin.starts_with(kPrefix)) {
      seen.push_back("(a certificate whose public key cannot be encoded)");
      continue;
    }
    if (m_sha256.contains(pin.substr(kPrefix.size()))) return {};
    seen.push_back(pin);
  }
  return fail(ErrorKind::Tls,
              "none of the public keys \"" + str::join(seen, ",") + "\" are pinned");
}

Result<std::string> generate_certificate_key() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return fail(openssl_error("generate certificate key"));
  }
  return str::hex_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace kadm::certs
