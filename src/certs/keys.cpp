#include "certs/keys.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "certs/ec_key.h"
#include "certs/rsa_fips186.h"
#include "certs/rsa_key_check.h"
#include "config/encryption_algorithm.h"

namespace kadm::certs {
namespace {

Status check_supported_type(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC) {
    return fail(ErrorKind::Tls, "the private key is neither in RSA nor ECDSA format");
  }
  return {};
}

}  // namespace

Result<UniqueEvpPkey> generate_key(config::EncryptionAlgorithm algorithm, RsaGenerator rsa) {
  const auto* info = config::find_encryption_algorithm(algorithm);
  if (!info) return fail(ErrorKind::Validation, "cannot generate a key for an unknown algorithm");
  const std::string what = "generate " + std::string(info->name) + " key";
  const bool from_fips186 = info->rsa_bits > 0 && rsa == RsaGenerator::Fips186;
  UniqueEvpPkey key;
  if (from_fips186) {
    key = KADM_TRY(generate_rsa_fips186(static_cast<unsigned>(info->rsa_bits)));
  } else if (info->rsa_bits == 0) {
    key = KADM_TRY(generate_ec_key(info->curve));
  } else {
    key.reset(EVP_RSA_gen(static_cast<unsigned>(info->rsa_bits)));
    if (!key) return fail(openssl_error(what));
  }
  // Whoever made it, OpenSSL's arithmetic checks the pair before it is used. An ECDSA key gets
  // the pairwise test without the order check that a cofactor-1 curve makes redundant
  // (src/certs/ec_key.h). An RSA key gets OpenSSL's private key check, then, from the FIPS 186
  // generator, whose primes have passed the rounds the standard asks for, the consistency check,
  // which neither tests them again nor runs the public check's primality test on n
  // (src/certs/rsa_key_check.h), else OpenSSL's public and pairwise checks.
  if (info->rsa_bits == 0) {
    KADM_TRY(check_ec_key_consistency(key.get()));
    return key;
  }
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_private_check(ctx.get()) != 1 ||
      (!from_fips186 &&
       (EVP_PKEY_public_check(ctx.get()) != 1 || EVP_PKEY_pairwise_check(ctx.get()) != 1))) {
    return fail(openssl_error(what + ": the new key fails OpenSSL's key check"));
  }
  if (from_fips186) KADM_TRY(check_rsa_key_consistency(key.get()));
  return key;
}

Result<std::string> private_key_pem(EVP_PKEY* key) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  // The "traditional" writer gives PKCS#1 for RSA and SEC1 for EC, as kubeadm's files have.
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                   nullptr) != 1) {
    return fail(openssl_error("encode private key"));
  }
  return bio_contents(bio.get());
}

Result<std::string> public_key_pem(EVP_PKEY* key) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return fail(openssl_error("encode public key"));
  }
  return bio_contents(bio.get());
}

Result<UniqueEvpPkey> load_private_key(std::string_view pem) {
  UniqueEvpPkey key = KADM_TRY(load_sec1_ec_key(pem));
  if (!key) {
    auto bio = memory_bio(pem);
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  }
  if (!key) return fail(openssl_error("no private key found in PEM data"));
  KADM_TRY(check_supported_type(key.get()));
  return key;
}

Result<UniqueEvpPkey> load_public_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  UniqueEvpPkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return fail(openssl_error("no public key found in PEM data"));
  return key;
}

}  // namespace kadm::certs
