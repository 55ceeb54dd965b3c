#pragma once
// Private keys: generation per encryptionAlgorithm and the PEM forms kubeadm writes
// (RSA → PKCS#1 "RSA PRIVATE KEY", ECDSA → SEC1 "EC PRIVATE KEY", public → PKIX "PUBLIC KEY").

#include <string>
#include <string_view>

#include "certs/openssl_ptr.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

// Who makes RSA keys: kadm's FIPS 186-5 generator over GMP (src/certs/rsa_fips186.h, the
// default, several times faster here) or OpenSSL's, kept for comparison. Every RSA key passes
// OpenSSL's private key check before it is returned, then OpenSSL's public and pairwise checks,
// or for a FIPS 186 key check_rsa_key_consistency (the same relations and a signature, without
// the 64 further Miller-Rabin rounds on each prime). ECDSA keys always come from OpenSSL and pass
// check_ec_key_consistency (src/certs/ec_key.h).
enum class RsaGenerator { Fips186, OpenSSL };

Result<UniqueEvpPkey> generate_key(config::EncryptionAlgorithm algorithm,
                                   RsaGenerator rsa = RsaGenerator::Fips186);

Result<std::string> private_key_pem(EVP_PKEY* key);
Result<std::string> public_key_pem(EVP_PKEY* key);
// Accepts RSA and ECDSA private keys in PKCS#1, SEC1 or PKCS#8 PEM; anything else is an error.
Result<UniqueEvpPkey> load_private_key(std::string_view pem);
Result<UniqueEvpPkey> load_public_key(std::string_view pem);

}  // namespace kadm::certs
