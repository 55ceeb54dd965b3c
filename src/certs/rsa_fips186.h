#pragma once
// RSA keys from FIPS 186-5 A.1.3 primes (src/certs/rsa_primes.h), handed to OpenSSL as an
// EVP_PKEY: e = 65537, n exactly `bits` long, d = e⁻¹ mod lcm(p−1, q−1) above 2^(bits/2) as
// A.1.1 asks (a key whose d is not is thrown away), and the CRT values.

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs {

Result<UniqueEvpPkey> generate_rsa_fips186(unsigned bits);

}  // namespace kadm::certs
