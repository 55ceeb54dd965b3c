#pragma once
// RSA primes as FIPS 186-5 A.1.3 makes them (FIPS 186-4 B.3.6): probable primes p and q, each
// built on two auxiliary probable primes, over GMP (issue 13: about twice as fast per prime here
// as Nettle's, which was the fastest generator packaged in Debian that makes primes the way
// FIPS 186 allows; measured in the README).
//
// The search is the standard's: from a random X, step through X + k·2·r1·r2 (C.9) or through
// odd numbers (the auxiliary primes, C.3) and take the first probable prime. A sieve over the
// primes below 2^16 drops most candidates before their first modular exponentiation; every
// candidate left gets Miller-Rabin rounds with random bases (C.3.1), as many as Table B.1 asks
// for the 2^-112 error bound, on OpenSSL's constant-time exponentiation. GMP does the rest of
// the arithmetic. Randomness is OpenSSL's private DRBG, and every GMP block is wiped before it
// is freed or moved (wipe_gmp_memory), so no prime outlives its key in freed memory.

#include <gmp.h>

#include "certs/openssl_ptr.h"
#include "common/error.h"

namespace kadm::certs::rsa_primes {

// An mpz_t that frees itself; movable so that results can be returned.
class Int {
 public:
  Int() { mpz_init(m_value); }
  explicit Int(unsigned long value) { mpz_init_set_ui(m_value, value); }
  ~Int() { mpz_clear(m_value); }
  Int(Int&& other) noexcept : Int() { mpz_swap(m_value, other.m_value); }
  Int& operator=(Int&& other) noexcept {
    mpz_swap(m_value, other.m_value);
    return *this;
  }
  Int(const Int&) = delete;
  Int& operator=(const Int&) = delete;

  mpz_ptr get() { return m_value; }
  mpz_srcptr get() const { return m_value; }

 private:
  mpz_t m_value;
};

// One row of FIPS 186-5 Table A.1 (lengths) and Table B.1 (rounds, the 2^-112 column).
struct Rule {
  unsigned modulus_bits;
  unsigned
      aux_bits;  // each auxiliary prime: longer than the table's minimum, sum below its maximum
  unsigned aux_rounds;    // Miller-Rabin rounds for an auxiliary prime
  unsigned prime_rounds;  // Miller-Rabin rounds for p and q
};
// nullptr for a modulus length kadm does not make (it makes 2048, 3072 and 4096).
const Rule* rule_for(unsigned modulus_bits);

// Makes GMP wipe each block before it frees or moves it. Once per process; later calls do nothing.
void wipe_gmp_memory();

// The same number as an OpenSSL BIGNUM (nullptr when OpenSSL has no memory for it).
UniqueSecretBignum to_bignum(mpz_srcptr value);

// A uniform number in [0, 2^bits) from OpenSSL's private DRBG.
Status random_bits(mpz_ptr out, unsigned bits);

// C.3.1: `rounds` Miller-Rabin rounds with random bases in [2, w−2]; w odd and above 3. The
// exponentiations are OpenSSL's constant-time ones.
Result<bool> probably_prime(mpz_srcptr w, unsigned rounds);

enum class Search { Found, TooLong, NoneWithin };
// The first Y = start + k·step, k < 5·max_bits, that has no prime factor below 2^16, with
// gcd(Y−1, e) = 1 (e = 1 skips this), that passes `rounds` Miller-Rabin rounds; written to `out`.
// TooLong when Y reaches 2^max_bits first, NoneWithin when k runs out (C.9's FAILURE).
// start must be odd and above 2^16, step even.
Result<Search> first_probable_prime(mpz_ptr out, mpz_srcptr start, mpz_srcptr step, unsigned long e,
                                    unsigned rounds, unsigned max_bits);

// C.9: a probable prime p with p ≡ 1 mod 2·r1, p ≡ −1 mod r2, √2·2^(h−1) ≤ p < 2^h where
// h = modulus_bits/2, and gcd(p−1, e) = 1. `x` receives the random X the search started from.
// NoneWithin when C.9 fails (the caller starts over with new auxiliary primes).
Result<Search> derive_prime(mpz_ptr p, mpz_ptr x, mpz_srcptr r1, mpz_srcptr r2, const Rule& rule,
                            unsigned long e);

struct Primes {
  Int p, q;
};
// A.1.3 for a modulus of `modulus_bits` and public exponent e (odd, above 2^16): p and q from
// their own auxiliary primes, with |p − q| and |Xp − Xq| above 2^(h−100). p and q are searched
// for on two threads at once.
Result<Primes> generate(unsigned modulus_bits, unsigned long e);

}  // namespace kadm::certs::rsa_primes
