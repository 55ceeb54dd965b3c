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

// The check every new ECDSA key passes before use, with OpenSSL's EC arithmetic: the public
// point is on the curve and not the point at infinity, 1 <= d < n, and d·G is the public point
// (the pairwise test of SP 800-56A, the one EVP_PKEY_pairwise_check runs). It stands in for
// EVP_PKEY_public_check and EVP_PKEY_pairwise_check, which both also compute n·Q to show that
// the point has order n: a variable-base multiplication, three times the cost of making the key,
// twice a key (the pairwise check repeats the public one), and the key's export to the
// provider besides. On a curve of cofactor 1 (the only ones kadm makes keys on; refused
// otherwise) every point on the curve but infinity has order n, so it proves nothing more.
// Refuses, naming the first condition that fails.
Status check_ec_key_consistency(EVP_PKEY* key);

// A SEC1 "EC PRIVATE KEY" PEM block (what kadm and kubeadm write) read by the direct DER
// routine into a key of the built-in EC type: OpenSSL's PEM_read_bio_PrivateKey builds a
// decoder chain on every call, 0.33 ms against 0.01 ms. A null key (not an error) when the first
// private key block in `pem` is of another kind or encrypted, for the caller's general reader.
Result<UniqueEvpPkey> load_sec1_ec_key(std::string_view pem);

}  // namespace kadm::certs
