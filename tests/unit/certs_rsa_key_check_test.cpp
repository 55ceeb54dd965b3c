// check_rsa_key_consistency, the check a FIPS 186 RSA key passes before use: a good key passes, and
// a key with any one number wrong is refused, naming what is wrong. A key built on a composite
// "prime" whose numbers agree with each other is refused by its signature.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <functional>
#include <memory>
#include <string>

#include "certs/keys.h"
#include "certs/rsa_key_check.h"

namespace kadm::certs {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)>;

struct Numbers {
  Bn n, e, d, p, q, dp, dq, qinv;
};

Bn get(EVP_PKEY* key, const char* name) {
  BIGNUM* b = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &b), 1) << name;
  return Bn(b);
}

Numbers numbers_of(EVP_PKEY* key) {
  return {get(key, OSSL_PKEY_PARAM_RSA_N),         get(key, OSSL_PKEY_PARAM_RSA_E),
          get(key, OSSL_PKEY_PARAM_RSA_D),         get(key, OSSL_PKEY_PARAM_RSA_FACTOR1),
          get(key, OSSL_PKEY_PARAM_RSA_FACTOR2),   get(key, OSSL_PKEY_PARAM_RSA_EXPONENT1),
          get(key, OSSL_PKEY_PARAM_RSA_EXPONENT2), get(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)};
}

UniqueEvpPkey key_of(const Numbers& r) {
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      &OSSL_PARAM_BLD_free);
  EXPECT_TRUE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, r.n.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, r.e.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, r.d.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, r.p.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, r.q.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, r.dp.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, r.dq.get()) &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, r.qinv.get()));
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                 &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_fromdata_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()), 1);
  return UniqueEvpPkey(raw);
}

Numbers good_numbers() {
  auto key = generate_key(config::EncryptionAlgorithm::RSA2048);
  EXPECT_TRUE(key) << key.error().text();
  return numbers_of(key->get());
}

std::string refusal(const Numbers& r) {
  auto key = key_of(r);
  auto checked = check_rsa_key_consistency(key.get());
  return checked ? "" : checked.error().text();
}

TEST(RsaKeyCheck, AFips186KeyPasses) {
  auto key = generate_key(config::EncryptionAlgorithm::RSA2048);
  ASSERT_TRUE(key) << key.error().text();
  auto checked = check_rsa_key_consistency(key->get());
  EXPECT_TRUE(checked) << checked.error().text();
}

TEST(RsaKeyCheck, AnEcKeyIsNotAnRsaKey) {
  auto key = generate_key(config::EncryptionAlgorithm::ECDSAP256);
  ASSERT_TRUE(key);
  EXPECT_FALSE(check_rsa_key_consistency(key->get()));
}

// One number changed in an otherwise good key.
struct Tamper {
  const char* name;
  std::function<void(Numbers&)> change;
  const char* refusal;
};

TEST(RsaKeyCheck, EachWrongNumberIsNamed) {
  const Tamper cases[] = {
      {"dp + 2", [](Numbers& r) { BN_add_word(r.dp.get(), 2); }, "d mod (p−1)"},
      {"dq + 2", [](Numbers& r) { BN_add_word(r.dq.get(), 2); }, "d mod (q−1)"},
      {"qinv + 1", [](Numbers& r) { BN_add_word(r.qinv.get(), 1); }, "q⁻¹ mod p"},
      {"d + 2", [](Numbers& r) { BN_add_word(r.d.get(), 2); }, "d·e is not 1"},
      {"q + 2", [](Numbers& r) { BN_add_word(r.q.get(), 2); }, "n is not p·q"},
      {"q = p", [](Numbers& r) { r.q.reset(BN_dup(r.p.get())); }, "p equals q"},
      {"p even", [](Numbers& r) { BN_add_word(r.p.get(), 1); }, "even"},
      {"e = 3", [](Numbers& r) { BN_set_word(r.e.get(), 3); }, "e is not 65537"},
  };
  for (const auto& c : cases) {
    Numbers r = good_numbers();
    c.change(r);
    EXPECT_NE(refusal(r).find(c.refusal), std::string::npos)
        << c.name << ": got \"" << refusal(r) << "\"";
  }
}

// p = p1·p2, a 1024-bit composite, with n, d and the CRT values computed from it as if it were
// prime: every relation holds, only the signature can tell.
TEST(RsaKeyCheck, ACompositeFactorFailsTheSignature) {
  BnCtx ctx(BN_CTX_new(), &BN_CTX_free);
  Numbers r = good_numbers();
  Bn p1(BN_new()), p2(BN_new()), pm1(BN_new()), qm1(BN_new()), g(BN_new()), lambda(BN_new());
  do {
    ASSERT_EQ(BN_generate_prime_ex2(p1.get(), 512, 0, nullptr, nullptr, nullptr, ctx.get()), 1);
    ASSERT_EQ(BN_generate_prime_ex2(p2.get(), 512, 0, nullptr, nullptr, nullptr, ctx.get()), 1);
    ASSERT_EQ(BN_mul(r.p.get(), p1.get(), p2.get(), ctx.get()), 1);
    BN_sub(pm1.get(), r.p.get(), BN_value_one());
    BN_sub(qm1.get(), r.q.get(), BN_value_one());
    BN_gcd(g.get(), pm1.get(), qm1.get(), ctx.get());
    BN_mul(lambda.get(), pm1.get(), qm1.get(), ctx.get());
    BN_div(lambda.get(), nullptr, lambda.get(), g.get(), ctx.get());
    BN_mul(r.n.get(), r.p.get(), r.q.get(), ctx.get());
  } while (BN_num_bits(r.p.get()) != 1024 || BN_num_bits(r.n.get()) != 2048 ||
           !BN_mod_inverse(r.d.get(), r.e.get(), lambda.get(), ctx.get()));
  ERR_clear_error();  // the tries whose e had no inverse
  ASSERT_EQ(BN_mod(r.dp.get(), r.d.get(), pm1.get(), ctx.get()), 1);
  ASSERT_EQ(BN_mod(r.dq.get(), r.d.get(), qm1.get(), ctx.get()), 1);
  ASSERT_TRUE(BN_mod_inverse(r.qinv.get(), r.q.get(), r.p.get(), ctx.get()));
  EXPECT_NE(refusal(r).find("signature does not verify"), std::string::npos) << refusal(r);
}

}  // namespace
}  // namespace kadm::certs
