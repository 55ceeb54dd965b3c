#pragma once
// The check every new FIPS 186 RSA key passes before use, done with OpenSSL: the key's numbers
// agree with each other, and the key signs what its public half verifies (FIPS 140's pairwise
// consistency test). It stands in for EVP_PKEY_pairwise_check, which also re-runs 64
// Miller-Rabin rounds on p and q: more CPU than making the key, spent on primes that have
// already passed the rounds FIPS 186-5 Table B.1 asks for (src/certs/rsa_primes.h). A composite p
// or q still fails here, because its signature does not verify. It also stands in for
// EVP_PKEY_public_check, whose cost (a Miller-Rabin round on the 2048-bit n, 3–6 ms a key here)
// shows only that n is composite with no small factor: n = p·q with p ≠ q, both prime and half
// as long as n, says more.

#include <openssl/evp.h>

#include "common/error.h"

namespace kadm::certs {

// Refuses, naming the first relation that fails: e not 65537; p or q even, equal, or not
// bits/2 long;
// n ≠ p·q; d·e ≢ 1 mod lcm(p−1, q−1); d mod (p−1), d mod (q−1) or q⁻¹ mod p not the stored CRT
// values; a SHA-256 signature that does not verify.
Status check_rsa_key_consistency(EVP_PKEY* key);

}  // namespace kadm::certs
