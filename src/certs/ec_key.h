#pragma once
// ECDSA keys from OpenSSL's EC_KEY generator, held by an EVP_PKEY of OpenSSL's built-in EC type
// rather than by its provider.
//
// Why: OpenSSL 3.0 puts a provider key into a certificate (X509_set_pubkey) and writes it as
// SEC1 PEM through its encoder and decoder framework, which looks up and builds encoder chains
// on every call: 0.23 ms a key here, more than making and checking the key. A built-in-type key
// takes the direct DER routines for both (0.01 ms), and behaves as any EVP_PKEY elsewhere
// (signing, checks, comparison). The key itself is made the same way: the same curve code and
// the same DRBG.

#include <string_view>

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs {

// `curve` as EVP_EC_gen takes it ("P-256", "P-384").
Result<UniqueEvpPkey> generate_ec_key(std::string_view curve);

}  // namespace kadm::certs
