// Both RSA generators behind generate_key give keys OpenSSL accepts in full: the right size,
// e = 65537, consistent CRT parameters, primes that pass OpenSSL's own primality test, and a
// signature that verifies, and d above 2^(bits/2) (FIPS 186-5 A.1.1). FIPS 186 is the default.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <set>
#include <string>

#include "certs/keys.h"

namespace kadm::certs {
namespace {

using config::EncryptionAlgorithm;

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn param(EVP_PKEY* key, const char* name) {
  BIGNUM* b = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &b), 1) << name;
  return Bn(b);
}

bool signs_and_verifies(EVP_PKEY* key) {
  const std::string msg = "kadm";
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> s(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  if (EVP_DigestSignInit(s.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  auto data = reinterpret_cast<const unsigned char*>(msg.data());
  if (EVP_DigestSign(s.get(), nullptr, &len, data, msg.size()) != 1) return false;
  std::string sig(len, '\0');
  auto out = reinterpret_cast<unsigned char*>(sig.data());
  if (EVP_DigestSign(s.get(), out, &len, data, msg.size()) != 1) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> v(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(v.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(v.get(), out, len, data, msg.size()) == 1;
}

class RsaGenerators : public ::testing::TestWithParam<RsaGenerator> {};

TEST_P(RsaGenerators, KeysPassEveryCheckOpenSslHas) {
  for (auto alg :
       {EncryptionAlgorithm::RSA2048, EncryptionAlgorithm::RSA3072, EncryptionAlgorithm::RSA4096}) {
    // OpenSSL's 4096-bit keys take seconds; its generator is only here for comparison.
    if (alg == EncryptionAlgorithm::RSA4096 && GetParam() == RsaGenerator::OpenSSL) continue;
    auto key = generate_key(alg, GetParam());
    ASSERT_TRUE(key) << key.error().text();
    EXPECT_EQ(EVP_PKEY_get_base_id(key->get()), EVP_PKEY_RSA);
    EXPECT_EQ(EVP_PKEY_get_bits(key->get()), alg == EncryptionAlgorithm::RSA2048   ? 2048
                                             : alg == EncryptionAlgorithm::RSA3072 ? 3072
                                                                                   : 4096);
    auto e = param(key->get(), OSSL_PKEY_PARAM_RSA_E);
    EXPECT_TRUE(BN_is_word(e.get(), 65537));
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr), &EVP_PKEY_CTX_free);
    EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1);  // the full check, primes included
    std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> bn_ctx(BN_CTX_new(), &BN_CTX_free);
    for (const char* factor : {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2}) {
      auto p = param(key->get(), factor);
      EXPECT_EQ(BN_check_prime(p.get(), bn_ctx.get(), nullptr), 1) << factor;
      EXPECT_EQ(BN_num_bits(p.get()), EVP_PKEY_get_bits(key->get()) / 2) << factor;
    }
    auto d = param(key->get(), OSSL_PKEY_PARAM_RSA_D);
    EXPECT_GT(BN_num_bits(d.get()), EVP_PKEY_get_bits(key->get()) / 2);
    EXPECT_TRUE(signs_and_verifies(key->get()));
  }
}

TEST_P(RsaGenerators, EveryKeyIsNew) {
  std::set<std::string> moduli;
  for (int i = 0; i < 3; ++i) {
    auto key = generate_key(EncryptionAlgorithm::RSA2048, GetParam());
    ASSERT_TRUE(key);
    auto n = param(key->get(), OSSL_PKEY_PARAM_RSA_N);
    char* hex = BN_bn2hex(n.get());
    moduli.insert(hex);
    OPENSSL_free(hex);
  }
  EXPECT_EQ(moduli.size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Both, RsaGenerators,
                         ::testing::Values(RsaGenerator::Fips186, RsaGenerator::OpenSSL),
                         [](const auto& p) {
                           return p.param == RsaGenerator::Fips186 ? "Fips186" : "OpenSSL";
                         });

}  // namespace
}  // namespace kadm::certs
