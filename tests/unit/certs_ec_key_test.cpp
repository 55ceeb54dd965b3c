// ECDSA keys come from OpenSSL's EC_KEY generator as keys of OpenSSL's built-in EC type, so that
// putting them into certificates and PEM takes the direct DER routines (src/certs/ec_key.h). The
// files must not change for it: the SEC1 private key, the SubjectPublicKeyInfo and a
// certificate's public key are byte for byte what OpenSSL's provider encoders write for the same
// key, with the named curve and the uncompressed point, as Go's x509 package writes them.
#define OPENSSL_SUPPRESS_DEPRECATED  // EC_KEY: to build keys that fail the check
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <string>

#include "certs/ec_key.h"
#include "certs/keys.h"
#include "certs/random_source.h"
#include "certs/x509.h"

namespace kadm::certs {
namespace {

// The same key as a provider key: exported to parameters and imported again.
UniqueEvpPkey provider_copy(EVP_PKEY* key) {
  OSSL_PARAM* params = nullptr;
  EXPECT_EQ(EVP_PKEY_todata(key, EVP_PKEY_KEYPAIR, &params), 1);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* out = nullptr;
  EXPECT_EQ(EVP_PKEY_fromdata_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_KEYPAIR, params), 1);
  OSSL_PARAM_free(params);
  return UniqueEvpPkey(out);
}

std::string spki_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  EXPECT_GT(len, 0);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string cert_spki_der(EVP_PKEY* key) {
  CertRequest request;
  request.common_name = "ec-key-test";
  request.usages = {ExtKeyUsage::ClientAuth};
  SigningOptions options;
  options.not_before = Clock::now();
  options.not_after = options.not_before + std::chrono::hours(1);
  auto cert = create_self_signed_ca(request, key, options);
  EXPECT_TRUE(cert) << (cert ? "" : cert.error().text());
  if (!cert) return {};
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert->get()), &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// A P-256 key of the built-in type with the scalar `d` and the public point `q` as given, without
// any check (EC_KEY_set_* take both as they are).
UniqueEvpPkey assemble(const BIGNUM* d, const EC_POINT* q) {
  EC_KEY* ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  EXPECT_TRUE(ec);
  EXPECT_EQ(EC_KEY_set_private_key(ec, d), 1);
  EXPECT_EQ(EC_KEY_set_public_key(ec, q), 1);
  UniqueEvpPkey key(EVP_PKEY_new());
  EXPECT_EQ(EVP_PKEY_assign_EC_KEY(key.get(), ec), 1);
  return key;
}

const EC_KEY* ec_of(EVP_PKEY* key) { return EVP_PKEY_get0_EC_KEY(key); }

std::string pkcs8_pem(EVP_PKEY* key) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  return bio_contents(bio.get());
}

}  // namespace

TEST(EcKey, FilesAreWhatTheProviderEncodersWrite) {
  for (const char* curve : {"P-256", "P-384"}) {
    SCOPED_TRACE(curve);
    auto key = generate_ec_key(curve);
    ASSERT_TRUE(key) << key.error().text();
    auto same = provider_copy(key->get());
    ASSERT_TRUE(same);
    ASSERT_EQ(EVP_PKEY_eq(key->get(), same.get()), 1);
    EXPECT_EQ(*private_key_pem(key->get()), *private_key_pem(same.get()));
    EXPECT_EQ(*public_key_pem(key->get()), *public_key_pem(same.get()));
    EXPECT_EQ(spki_der(key->get()), spki_der(same.get()));
    EXPECT_EQ(cert_spki_der(key->get()), spki_der(same.get()));
    char group[32] = {};
    ASSERT_EQ(EVP_PKEY_get_utf8_string_param(key->get(), "group", group, sizeof group, nullptr), 1);
    EXPECT_STREQ(group, std::string(curve) == "P-256" ? "prime256v1" : "secp384r1");
  }
}

TEST(EcKey, EveryKeyIsNewAndPassesOpenSslsChecks) {
  auto a = generate_key(config::EncryptionAlgorithm::ECDSAP256);
  auto b = generate_key(config::EncryptionAlgorithm::ECDSAP256);
  ASSERT_TRUE(a && b);
  EXPECT_NE(EVP_PKEY_eq(a->get(), b->get()), 1);
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, a->get(), nullptr));
  EXPECT_EQ(EVP_PKEY_pairwise_check(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_public_check(ctx.get()), 1);
  EXPECT_FALSE(generate_ec_key("P-255"));
  auto p384 = generate_key(config::EncryptionAlgorithm::ECDSAP384);
  ASSERT_TRUE(p384) << p384.error().text();
  EXPECT_TRUE(check_ec_key_consistency(p384->get()));
}

// The check each new key passes refuses every key that is not a pair (src/certs/ec_key.h).
TEST(EcKey, ConsistencyCheckRefusesWhatIsNotAPair) {
  auto a = generate_ec_key("P-256");
  auto b = generate_ec_key("P-256");
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(check_ec_key_consistency(a->get()));
  const EC_KEY* ea = ec_of(a->get());
  const EC_GROUP* group = EC_KEY_get0_group(ea);

  // b's public point with a's scalar.
  auto swapped = assemble(EC_KEY_get0_private_key(ea), EC_KEY_get0_public_key(ec_of(b->get())));
  auto refused = check_ec_key_consistency(swapped.get());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text().find("d·G is not the public point"), std::string::npos)
      << refused.error().text();
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, swapped.get(), nullptr));
  EXPECT_NE(EVP_PKEY_pairwise_check(ctx.get()), 1);  // OpenSSL agrees
  ERR_clear_error();

  // d + n: the same point, but a scalar out of range.
  UniqueBignum big(BN_dup(EC_KEY_get0_private_key(ea)));
  ASSERT_EQ(BN_add(big.get(), big.get(), EC_GROUP_get0_order(group)), 1);
  refused = check_ec_key_consistency(assemble(big.get(), EC_KEY_get0_public_key(ea)).get());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text().find("[1, n-1]"), std::string::npos) << refused.error().text();

  // The point at infinity.
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> infinity(EC_POINT_new(group), EC_POINT_free);
  ASSERT_EQ(EC_POINT_set_to_infinity(group, infinity.get()), 1);
  refused = check_ec_key_consistency(assemble(EC_KEY_get0_private_key(ea), infinity.get()).get());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text().find("infinity"), std::string::npos) << refused.error().text();

  // Not an EC key at all.
  auto rsa = generate_key(config::EncryptionAlgorithm::RSA2048);
  ASSERT_TRUE(rsa);
  EXPECT_FALSE(check_ec_key_consistency(rsa->get()));
  ERR_clear_error();
}

// SEC1 PEM takes the direct reader; every other form still reads through OpenSSL's own, and the
// key is the same either way.
TEST(EcKey, Sec1PemIsReadDirectlyAndOtherFormsAsBefore) {
  auto key = generate_ec_key("P-256");
  ASSERT_TRUE(key);
  const std::string sec1 = *private_key_pem(key->get());
  auto direct = load_sec1_ec_key(sec1);
  ASSERT_TRUE(direct) << direct.error().text();
  ASSERT_TRUE(*direct);
  EXPECT_EQ(EVP_PKEY_eq(key->get(), direct->get()), 1);
  EXPECT_EQ(ERR_peek_error(), 0UL);  // nothing left behind in OpenSSL's error queue
  EXPECT_EQ(*private_key_pem(direct->get()), sec1);

  // After another block, as in a bundle of certificate and key.
  auto cert_then_key = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + sec1;
  auto bundled = load_sec1_ec_key(cert_then_key);
  ASSERT_TRUE(bundled && *bundled);
  EXPECT_EQ(EVP_PKEY_eq(key->get(), bundled->get()), 1);

  // PKCS#8 and RSA keys are left to the general reader, which load_private_key falls back to.
  const std::string pkcs8 = pkcs8_pem(key->get());
  auto none = load_sec1_ec_key(pkcs8);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto via_pkcs8 = load_private_key(pkcs8);
  ASSERT_TRUE(via_pkcs8) << via_pkcs8.error().text();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), via_pkcs8->get()), 1);
  auto rsa = generate_key(config::EncryptionAlgorithm::RSA2048);
  ASSERT_TRUE(rsa);
  const std::string rsa_pem = *private_key_pem(rsa->get());
  none = load_sec1_ec_key(rsa_pem);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto rsa_back = load_private_key(rsa_pem);
  ASSERT_TRUE(rsa_back);
  EXPECT_EQ(EVP_PKEY_eq(rsa->get(), rsa_back->get()), 1);
  auto via_load = load_private_key(sec1);
  ASSERT_TRUE(via_load);
  EXPECT_EQ(EVP_PKEY_eq(key->get(), via_load->get()), 1);

  // A damaged SEC1 block is an error, not a fall-through.
  std::string damaged = sec1;
  damaged.replace(damaged.find('\n') + 1, 8, "AAAAAAAA");
  EXPECT_FALSE(load_sec1_ec_key(damaged));
  EXPECT_FALSE(load_private_key(damaged));
  EXPECT_FALSE(load_private_key("no PEM here"));
  ERR_clear_error();
}

// kadm's main asks for Hash-DRBG before anything draws random bytes (src/certs/random_source.h).
// In a process of its own, since the generators of this one may exist already.
TEST(EcKey, RandomBytesComeFromHashDrbg) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        use_hash_drbg();
        unsigned char bytes[32];
        if (RAND_priv_bytes(bytes, sizeof bytes) != 1 || RAND_bytes(bytes, sizeof bytes) != 1) {
          std::_Exit(2);
        }
        for (EVP_RAND_CTX* drbg :
             {RAND_get0_private(nullptr), RAND_get0_public(nullptr), RAND_get0_primary(nullptr)}) {
          if (std::string(EVP_RAND_get0_name(EVP_RAND_CTX_get0_rand(drbg))) != "HASH-DRBG") {
            std::_Exit(3);
          }
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace kadm::certs
