// The FIPS 186-5 prime search: the sieve never skips a prime nor lets a composite through, the
// Miller-Rabin test refuses the composites that fool weaker tests, and the primes C.9 and A.1.3
// make have every property the standard asks for, checked with OpenSSL's own primality test.
#include "certs/rsa_primes.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <memory>
#include <string>

namespace kadm::certs::rsa_primes {
namespace {

Int from_string(const char* digits) {
  Int v;
  mpz_set_str(v.get(), digits, 10);
  return v;
}

Int random_odd(unsigned bits) {
  Int v;
  EXPECT_TRUE(random_bits(v.get(), bits));
  mpz_setbit(v.get(), bits - 1);
  mpz_setbit(v.get(), 0);
  return v;
}

bool openssl_says_prime(mpz_srcptr v) {
  std::unique_ptr<char, decltype(&free)> hex(mpz_get_str(nullptr, 16, v), &free);
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, hex.get());
  const bool prime = BN_check_prime(bn, nullptr, nullptr) == 1;
  BN_free(bn);
  return prime;
}

// The first start + k·step with gcd(Y−1, e) = 1 that GMP calls prime, one candidate at a time.
Int first_prime_one_by_one(mpz_srcptr start, mpz_srcptr step, unsigned long e) {
  Int y, below;
  for (unsigned long k = 0;; ++k) {
    mpz_mul_ui(y.get(), step, k);
    mpz_add(y.get(), y.get(), start);
    mpz_sub_ui(below.get(), y.get(), 1);
    if (e > 1 && mpz_gcd_ui(nullptr, below.get(), e) != 1) continue;
    if (mpz_probab_prime_p(y.get(), 40) != 0) return y;
  }
}

TEST(RsaPrimes, TheSieveFindsTheFirstPrimeOfEveryProgression) {
  const Int two(2);
  for (int i = 0; i < 40; ++i) {
    // Odd numbers, and progressions with a step like C.9's (2·r1·r2), from random starts; e = 3
    // removes a third of the candidates, so that the gcd(Y−1, e) filter is at work too.
    // The step is twice a prime, as C.9's is twice a product of two, so that no small prime
    // divides every candidate.
    Int start = random_odd(160), step = random_odd(90), found;
    mpz_nextprime(step.get(), step.get());
    mpz_mul_2exp(step.get(), step.get(), 1);
    const bool odd_numbers = i % 2 == 0;
    const unsigned long e = i % 4 < 2 ? 1 : 3;
    auto searched = first_probable_prime(found.get(), start.get(),
                                         odd_numbers ? two.get() : step.get(), e, 5, 400);
    ASSERT_TRUE(searched) << searched.error().text();
    ASSERT_EQ(*searched, Search::Found);
    Int expected = first_prime_one_by_one(start.get(), odd_numbers ? two.get() : step.get(), e);
    EXPECT_EQ(mpz_cmp(found.get(), expected.get()), 0) << "progression " << i;
  }
}

TEST(RsaPrimes, TheSearchStopsAtItsLengthAndWhenASmallPrimeDividesEveryCandidate) {
  Int out;
  // 2^160 − 1 is odd; every odd number after it has 161 bits.
  Int start;
  mpz_setbit(start.get(), 160);
  mpz_sub_ui(start.get(), start.get(), 1);
  const Int two(2);
  auto too_long = first_probable_prime(out.get(), start.get(), two.get(), 1, 5, 160);
  ASSERT_TRUE(too_long);
  EXPECT_EQ(*too_long, Search::TooLong);
  // 3·(odd) + k·6: 3 divides them all.
  Int multiple = random_odd(150), six(6);
  mpz_mul_ui(multiple.get(), multiple.get(), 3);
  auto none = first_probable_prime(out.get(), multiple.get(), six.get(), 1, 5, 400);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, Search::NoneWithin);
  EXPECT_FALSE(first_probable_prime(out.get(), six.get(), two.get(), 1, 5, 400));
}

TEST(RsaPrimes, MillerRabinRefusesCompositesThatFoolWeakerTests) {
  for (const char* composite : {
           "561",                       // Carmichael: fools Fermat's test for every coprime base
           "3215031751",                // strong pseudoprime to the bases 2, 3, 5 and 7
           "3825123056546413051",       // strong pseudoprime to every prime base up to 23
           "318665857834031151167461",  // strong pseudoprime to every prime base up to 37
       }) {
    Int w = from_string(composite);
    auto prime = probably_prime(w.get(), 20);
    ASSERT_TRUE(prime);
    EXPECT_FALSE(*prime) << composite;
  }
  for (const char* prime :
       {"65537", "2305843009213693951", "170141183460469231731687303715884105727"}) {
    Int w = from_string(prime);
    auto result = probably_prime(w.get(), 20);
    ASSERT_TRUE(result);
    EXPECT_TRUE(*result) << prime;
  }
}

TEST(RsaPrimes, C9PrimesAreCongruentAsAskedAndInRange) {
  const Rule& rule = *rule_for(2048);
  const unsigned long e = 65537;
  Int r1, r2, p, x, m;
  const Int two(2);
  for (Int* aux : {&r1, &r2}) {
    Search s{};
    do {
      Int start = random_odd(rule.aux_bits);
      s = *first_probable_prime(aux->get(), start.get(), two.get(), 1, rule.aux_rounds,
                                rule.aux_bits);
    } while (s != Search::Found);
  }
  for (int i = 0; i < 3; ++i) {
    auto derived = derive_prime(p.get(), x.get(), r1.get(), r2.get(), rule, e);
    ASSERT_TRUE(derived) << derived.error().text();
    // C.9 fails only when 5·1024 steps hold no prime: about e^-14 for a random start.
    ASSERT_EQ(*derived, Search::Found);
    EXPECT_TRUE(openssl_says_prime(p.get()));
    EXPECT_EQ(mpz_sizeinbase(p.get(), 2), 1024u);
    Int two_r1;
    mpz_mul_2exp(two_r1.get(), r1.get(), 1);
    EXPECT_EQ(mpz_fdiv_ui(p.get(), 2), 1u);
    mpz_mod(m.get(), p.get(), two_r1.get());
    EXPECT_EQ(mpz_cmp_ui(m.get(), 1), 0) << "p ≢ 1 mod 2·r1";
    mpz_add_ui(m.get(), p.get(), 1);
    EXPECT_TRUE(mpz_divisible_p(m.get(), r2.get())) << "p ≢ −1 mod r2";
    mpz_sub_ui(m.get(), p.get(), 1);
    EXPECT_EQ(mpz_gcd_ui(nullptr, m.get(), e), 1u);
    // √2·2^1023 ≤ X ≤ p: X² ≥ 2^2047.
    mpz_mul(m.get(), x.get(), x.get());
    EXPECT_GE(mpz_sizeinbase(m.get(), 2), 2048u);
    EXPECT_LE(mpz_cmp(x.get(), p.get()), 0);
  }
}

TEST(RsaPrimes, PrimesForEveryKeyLengthMeetA13) {
  for (unsigned bits : {2048u, 3072u, 4096u}) {
    auto primes = generate(bits, 65537);
    ASSERT_TRUE(primes) << primes.error().text();
    Int n, diff, bound;
    mpz_mul(n.get(), primes->p.get(), primes->q.get());
    EXPECT_EQ(mpz_sizeinbase(n.get(), 2), bits);
    EXPECT_EQ(mpz_sizeinbase(primes->p.get(), 2), bits / 2);
    EXPECT_EQ(mpz_sizeinbase(primes->q.get(), 2), bits / 2);
    EXPECT_TRUE(openssl_says_prime(primes->p.get()));
    EXPECT_TRUE(openssl_says_prime(primes->q.get()));
    mpz_sub(diff.get(), primes->p.get(), primes->q.get());
    mpz_abs(diff.get(), diff.get());
    mpz_setbit(bound.get(), bits / 2 - 100);
    EXPECT_GT(mpz_cmp(diff.get(), bound.get()), 0);
  }
}

TEST(RsaPrimes, RefusesLengthsAndExponentsTheStandardHasNoRowFor) {
  auto short_key = generate(1024, 65537);
  ASSERT_FALSE(short_key);
  EXPECT_NE(short_key.error().text().find("2048, 3072 and 4096"), std::string::npos);
  EXPECT_FALSE(generate(2048, 3));
  EXPECT_FALSE(generate(2048, 65536));
}

// The key's numbers go to OpenSSL as secure BIGNUMs: the parameter builder then puts them in the
// block OSSL_PARAM_free wipes, not in one freed as it is.
TEST(RsaPrimes, NumbersHandedToOpenSslAreSecureBignums) {
  const Int p = from_string("340282366920938463463374607431768211507");
  UniqueSecretBignum bn = to_bignum(p.get());
  ASSERT_TRUE(bn);
  EXPECT_NE(BN_get_flags(bn.get(), BN_FLG_SECURE), 0);
  std::unique_ptr<char, decltype(&free)> digits(mpz_get_str(nullptr, 16, p.get()), &free);
  BIGNUM* expected = nullptr;
  ASSERT_GT(BN_hex2bn(&expected, digits.get()), 0);
  EXPECT_EQ(BN_cmp(bn.get(), expected), 0);
  BN_free(expected);
}

}  // namespace
}  // namespace kadm::certs::rsa_primes
