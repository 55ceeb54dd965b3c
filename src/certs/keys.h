#pragma once
// Private keys: generation per encryptionAlgorithm and the PEM forms kubeadm writes
// (RSA → PKCS#1 "RSA PRIVATE KEY", ECDSA → SEC1 "EC PRIVATE KEY", public → PKIX "PUBLIC KEY").

#include <string>
#include <string_view>

#include "certs/openssl_ptr.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

// Which library makes RSA keys. Nettle is the default (much faster here); OpenSSL stays for
// comparison. Every key passes OpenSSL's private and public key checks before it is returned,
// then OpenSSL's pairwise check, or for a Nettle key check_rsa_key_consistency (the same
// relations and a signature, without proving Nettle's proven primes again). ECDSA keys always
// come from OpenSSL (src/certs/ec_key.h).
enum class RsaGenerator { Nettle, OpenSSL };

Result<UniqueEvpPkey> generate_key(config::EncryptionAlgorithm algorithm,
                                   RsaGenerator rsa = RsaGenerator::Nettle);

Result<std::string> private_key_pem(EVP_PKEY* key);
Result<std::string> public_key_pem(EVP_PKEY* key);
// Accepts RSA and ECDSA private keys in PKCS#1, SEC1 or PKCS#8 PEM; anything else is an error.
Result<UniqueEvpPkey> load_private_key(std::string_view pem);
Result<UniqueEvpPkey> load_public_key(std::string_view pem);

}  // namespace kadm::certs
