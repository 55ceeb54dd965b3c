#include "certs/rsa_nettle.h"

#include <nettle/rsa.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

namespace kadm::certs {
namespace {

constexpr unsigned long kPublicExponent = 65537;

// Nettle asks for random bytes through this callback; a DRBG failure cannot be returned, so it is
// remembered and the key thrown away.
struct RandomSource {
  bool failed = false;
};

void openssl_random(void* ctx, size_t length, uint8_t* dst) {
  auto* source = static_cast<RandomSource*>(ctx);
  if (length > 0 && RAND_bytes(dst, static_cast<int>(length)) != 1) source->failed = true;
}

// Owns Nettle's key structs and clears them (GMP frees the limbs; the private parts are zeroed
// first through the exported copies being cleansed, see to_bignum).
struct NettleKey {
  rsa_public_key pub{};
  rsa_private_key key{};
  NettleKey() {
    rsa_public_key_init(&pub);
    rsa_private_key_init(&key);
  }
  ~NettleKey() {
    rsa_public_key_clear(&pub);
    rsa_private_key_clear(&key);
  }
  NettleKey(const NettleKey&) = delete;
  NettleKey& operator=(const NettleKey&) = delete;
};

UniqueSecretBignum to_bignum(const mpz_t value) {
  std::vector<unsigned char> bytes((mpz_sizeinbase(value, 2) + 7) / 8);
  size_t written = 0;
  mpz_export(bytes.data(), &written, 1, 1, 1, 0, value);
  UniqueSecretBignum bn(BN_bin2bn(bytes.data(), static_cast<int>(written), nullptr));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return bn;
}

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

}  // namespace

Result<UniqueEvpPkey> generate_rsa_with_nettle(unsigned bits) {
  NettleKey k;
  mpz_set_ui(k.pub.e, kPublicExponent);
  RandomSource random;
  if (!rsa_generate_keypair(&k.pub, &k.key, &random, openssl_random, nullptr, nullptr, bits, 0) ||
      random.failed) {
    return fail(ErrorKind::Tls, "generate RSA-" + std::to_string(bits) + " key: " +
                                    (random.failed ? "no random bytes" : "Nettle failed"));
  }
  // OpenSSL's names: d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p = Nettle's d, p, q, a, b, c.
  UniqueSecretBignum n = to_bignum(k.pub.n), e = to_bignum(k.pub.e), d = to_bignum(k.key.d),
                     p = to_bignum(k.key.p), q = to_bignum(k.key.q), dp = to_bignum(k.key.a),
                     dq = to_bignum(k.key.b), qinv = to_bignum(k.key.c);
  for (const BIGNUM* b :
       {n.get(), e.get(), d.get(), p.get(), q.get(), dp.get(), dq.get(), qinv.get()}) {
    if (!b) return fail(openssl_error("convert the RSA key"));
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get())) {
    return fail(openssl_error("convert the RSA key"));
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return fail(openssl_error("convert the RSA key"));
  }
  UniqueEvpPkey key(raw);
  if (EVP_PKEY_get_bits(key.get()) != static_cast<int>(bits)) {
    return fail(ErrorKind::Tls, "generate RSA-" + std::to_string(bits) + " key: it has " +
                                    std::to_string(EVP_PKEY_get_bits(key.get())) + " bits");
  }
  return key;
}

}  // namespace kadm::certs
