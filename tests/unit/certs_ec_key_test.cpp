// ECDSA keys come from OpenSSL's EC_KEY generator as keys of OpenSSL's built-in EC type, so that
// putting them into certificates and PEM takes the direct DER routines (src/certs/ec_key.h). The
// files must not change for it: the SEC1 private key, the SubjectPublicKeyInfo and a
// certificate's public key are byte for byte what OpenSSL's provider encoders write for the same
// key, with the named curve and the uncompressed point, as Go's x509 package writes them.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>

#include "certs/ec_key.h"
#include "certs/keys.h"
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
  EXPECT_FALSE(generate_ec_key("P-255"));
}

}  // namespace kadm::certs
