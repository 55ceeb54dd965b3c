// EC_KEY is deprecated in OpenSSL 3 in favour of providers; it is used here only for the reasons
// in ec_key.h, and a build without the deprecated API makes provider keys instead.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "certs/ec_key.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

namespace kadm::certs {
namespace {

#ifndef OPENSSL_NO_DEPRECATED_3_0
using UniqueEcKey = std::unique_ptr<EC_KEY, decltype(&EC_KEY_free)>;

UniqueEvpPkey wrap(UniqueEcKey ec) {
  UniqueEvpPkey key(EVP_PKEY_new());
  if (!key || EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1) return {};
  ec.release();  // owned by key now
  return key;
}
#endif

// What PEM_read_bio hands out, freed with OPENSSL_free.
struct PemBlock {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  PemBlock() = default;
  PemBlock(const PemBlock&) = delete;
  PemBlock& operator=(const PemBlock&) = delete;
  ~PemBlock() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(data, length > 0 ? static_cast<size_t>(length) : 0);
  }
};

bool ends_with_private_key(std::string_view name) { return name.ends_with("PRIVATE KEY"); }

}  // namespace

Result<UniqueEvpPkey> generate_ec_key(std::string_view curve) {
  const std::string name(curve);
  const std::string what = "generate ECDSA " + name + " key";
#ifdef OPENSSL_NO_DEPRECATED_3_0
  UniqueEvpPkey key(EVP_EC_gen(name.c_str()));
  if (!key) return fail(openssl_error(what));
  return key;
#else
  const int nid = EC_curve_nist2nid(name.c_str());
  if (nid == NID_undef) return fail(ErrorKind::Validation, what + ": unknown curve");
  UniqueEcKey ec(EC_KEY_new_by_curve_name(nid), EC_KEY_free);
  if (!ec || EC_KEY_generate_key(ec.get()) != 1) return fail(openssl_error(what));
  UniqueEvpPkey key = wrap(std::move(ec));
  if (!key) return fail(openssl_error(what));
  return key;
#endif
}

Status check_ec_key_consistency(EVP_PKEY* key) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorKind::Tls, "the new ECDSA key fails its check: " + std::string(why));
  };
#ifdef OPENSSL_NO_DEPRECATED_3_0
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) return refuse("OpenSSL's pairwise check");
  return {};
#else
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  if (!ec) return refuse("not an ECDSA key");
  const EC_GROUP* group = EC_KEY_get0_group(ec);
  const EC_POINT* public_point = EC_KEY_get0_public_key(ec);
  const BIGNUM* d = EC_KEY_get0_private_key(ec);
  if (!group || !public_point || !d) return refuse("a part of the key is missing");
  const BIGNUM* cofactor = EC_GROUP_get0_cofactor(group);
  if (!cofactor || !BN_is_one(cofactor)) return refuse("the curve's cofactor is not 1");
  UniqueBnCtx bn(BN_CTX_new());
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> product(EC_POINT_new(group), EC_POINT_free);
  if (!bn || !product) return fail(openssl_error("check ECDSA key"));
  if (EC_POINT_is_at_infinity(group, public_point) == 1) {
    return refuse("the public point is the point at infinity");
  }
  if (EC_POINT_is_on_curve(group, public_point, bn.get()) != 1) {
    return refuse("the public point is not on the curve");
  }
  if (BN_is_zero(d) || BN_is_negative(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0) {
    return refuse("the private scalar is not in [1, n-1]");
  }
  if (EC_POINT_mul(group, product.get(), d, nullptr, nullptr, bn.get()) != 1) {
    return fail(openssl_error("check ECDSA key"));
  }
  if (EC_POINT_cmp(group, product.get(), public_point, bn.get()) != 0) {
    return refuse("d·G is not the public point");
  }
  return {};
#endif
}

Result<UniqueEvpPkey> load_sec1_ec_key(std::string_view pem) {
#ifdef OPENSSL_NO_DEPRECATED_3_0
  (void)pem;
  return UniqueEvpPkey{};
#else
  auto bio = memory_bio(pem);
  if (!bio) return fail(openssl_error("read private key"));
  // The reads past the last block leave "no start line" in OpenSSL's error queue.
  ERR_set_mark();
  for (;;) {
    PemBlock block;
    if (PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.length) != 1) {
      ERR_pop_to_mark();
      return UniqueEvpPkey{};
    }
    if (!ends_with_private_key(block.name)) continue;
    ERR_pop_to_mark();
    if (std::string_view(block.name) != "EC PRIVATE KEY" || *block.header != '\0') {
      return UniqueEvpPkey{};
    }
    const unsigned char* in = block.data;
    UniqueEcKey ec(d2i_ECPrivateKey(nullptr, &in, block.length), EC_KEY_free);
    if (!ec || in != block.data + block.length) {
      return fail(openssl_error("the EC PRIVATE KEY block is not a SEC1 key"));
    }
    UniqueEvpPkey key = wrap(std::move(ec));
    if (!key) return fail(openssl_error("read private key"));
    return key;
  }
#endif
}

}  // namespace kadm::certs
