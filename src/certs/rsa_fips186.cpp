#include "certs/rsa_fips186.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <string>
#include <vector>

#include "certs/rsa_primes.h"

namespace kadm::certs {
namespace {

constexpr unsigned long kPublicExponent = 65537;

}  // namespace

Result<UniqueEvpPkey> generate_rsa_fips186(unsigned bits) {
  using rsa_primes::Int;
  using rsa_primes::to_bignum;
  Int n, d, dp, dq, qinv, p_1, q_1, lambda, half_bound;
  const Int e(kPublicExponent);
  mpz_setbit(half_bound.get(), bits / 2);
  rsa_primes::Primes pq;
  for (;;) {
    pq = KADM_TRY(rsa_primes::generate(bits, kPublicExponent));
    mpz_sub_ui(p_1.get(), pq.p.get(), 1);
    mpz_sub_ui(q_1.get(), pq.q.get(), 1);
    mpz_lcm(lambda.get(), p_1.get(), q_1.get());
    // gcd(p−1, e) = gcd(q−1, e) = 1 by construction, so e has an inverse.
    mpz_invert(d.get(), e.get(), lambda.get());
    if (mpz_cmp(d.get(), half_bound.get()) > 0) break;
  }
  mpz_mul(n.get(), pq.p.get(), pq.q.get());
  mpz_mod(dp.get(), d.get(), p_1.get());
  mpz_mod(dq.get(), d.get(), q_1.get());
  mpz_invert(qinv.get(), pq.q.get(), pq.p.get());
  UniqueSecretBignum bn_n = to_bignum(n.get()), bn_e = to_bignum(e.get()),
                     bn_d = to_bignum(d.get()), bn_p = to_bignum(pq.p.get()),
                     bn_q = to_bignum(pq.q.get()), bn_dp = to_bignum(dp.get()),
                     bn_dq = to_bignum(dq.get()), bn_qinv = to_bignum(qinv.get());
  for (const BIGNUM* b : {bn_n.get(), bn_e.get(), bn_d.get(), bn_p.get(), bn_q.get(), bn_dp.get(),
                          bn_dq.get(), bn_qinv.get()}) {
    if (!b) return fail(openssl_error("convert the RSA key"));
  }
  UniqueParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, bn_d.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, bn_p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, bn_q.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, bn_dp.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, bn_dq.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bn_qinv.get())) {
    return fail(openssl_error("convert the RSA key"));
  }
  UniqueParams params(OSSL_PARAM_BLD_to_param(bld.get()));
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
