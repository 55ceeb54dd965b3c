#pragma once
// RSA key generation with Nettle over GMP (Debian's nettle-dev), handed to OpenSSL as an
// EVP_PKEY. Nettle's rsa_generate_keypair proves each prime (Pocklington, nettle_random_prime)
// and makes n exactly `bits` long; e is 65537 and the randomness is OpenSSL's DRBG.

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs {

Result<UniqueEvpPkey> generate_rsa_with_nettle(unsigned bits);

}  // namespace kadm::certs
