#include "certs/rsa_key_check.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include <array>
#include <memory>
#include <string>

#include "certs/openssl_ptr.h"

namespace kadm::certs {
namespace {

using Bn = UniqueSecretBignum;

Status refused(const std::string& why) {
  return fail(ErrorKind::Tls, "the new RSA key fails its consistency check: " + why);
}

Bn new_bn() {
  Bn b(BN_secure_new());
  if (b) BN_set_flags(b.get(), BN_FLG_CONSTTIME);
  return b;
}

// The factors and CRT values, read once.
struct RsaNumbers {
  Bn n, e, d, p, q, dp, dq, qinv;
};

Result<RsaNumbers> read_numbers(EVP_PKEY* key) {
  RsaNumbers r;
  const std::array<std::pair<const char*, Bn*>, 8> wanted{{
      {OSSL_PKEY_PARAM_RSA_N, &r.n},
      {OSSL_PKEY_PARAM_RSA_E, &r.e},
      {OSSL_PKEY_PARAM_RSA_D, &r.d},
      {OSSL_PKEY_PARAM_RSA_FACTOR1, &r.p},
      {OSSL_PKEY_PARAM_RSA_FACTOR2, &r.q},
      {OSSL_PKEY_PARAM_RSA_EXPONENT1, &r.dp},
      {OSSL_PKEY_PARAM_RSA_EXPONENT2, &r.dq},
      {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &r.qinv},
  }};
  for (const auto& [name, out] : wanted) {
    BIGNUM* value = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1 || !value) {
      return fail(ErrorKind::Tls, std::string("the new RSA key has no ") + name);
    }
    out->reset(value);
  }
  return r;
}

Status check_numbers(const RsaNumbers& r) {
  UniqueBnCtx ctx(BN_CTX_secure_new());
  Bn t = new_bn(), pm1 = new_bn(), qm1 = new_bn(), g = new_bn(), lambda = new_bn();
  if (!ctx || !t || !pm1 || !qm1 || !g || !lambda) return fail(openssl_error("check the RSA key"));
  BN_CTX* c = ctx.get();

  if (!BN_is_word(r.e.get(), 65537)) return refused("e is not 65537");
  const int half = BN_num_bits(r.n.get()) / 2;
  if (!BN_is_odd(r.p.get()) || !BN_is_odd(r.q.get())) return refused("p or q is even");
  if (BN_cmp(r.p.get(), r.q.get()) == 0) return refused("p equals q");
  if (BN_num_bits(r.p.get()) != half || BN_num_bits(r.q.get()) != half) {
    return refused("p or q is not half as long as n");
  }
  if (!BN_mul(t.get(), r.p.get(), r.q.get(), c)) return fail(openssl_error("check the RSA key"));
  if (BN_cmp(t.get(), r.n.get()) != 0) return refused("n is not p·q");

  // λ(n) = lcm(p−1, q−1) = (p−1)(q−1) / gcd(p−1, q−1)
  if (!BN_sub(pm1.get(), r.p.get(), BN_value_one()) ||
      !BN_sub(qm1.get(), r.q.get(), BN_value_one()) || !BN_gcd(g.get(), pm1.get(), qm1.get(), c) ||
      !BN_mul(t.get(), pm1.get(), qm1.get(), c) ||
      !BN_div(lambda.get(), nullptr, t.get(), g.get(), c) ||
      !BN_mod_mul(t.get(), r.d.get(), r.e.get(), lambda.get(), c)) {
    return fail(openssl_error("check the RSA key"));
  }
  if (!BN_is_one(t.get())) return refused("d·e is not 1 modulo lcm(p−1, q−1)");

  if (!BN_mod(t.get(), r.d.get(), pm1.get(), c)) return fail(openssl_error("check the RSA key"));
  if (BN_cmp(t.get(), r.dp.get()) != 0) return refused("d mod (p−1) is not the stored value");
  if (!BN_mod(t.get(), r.d.get(), qm1.get(), c)) return fail(openssl_error("check the RSA key"));
  if (BN_cmp(t.get(), r.dq.get()) != 0) return refused("d mod (q−1) is not the stored value");
  if (!BN_mod_mul(t.get(), r.qinv.get(), r.q.get(), r.p.get(), c)) {
    return fail(openssl_error("check the RSA key"));
  }
  if (!BN_is_one(t.get())) return refused("q⁻¹ mod p is not the stored value");
  return {};
}

// OpenSSL's own RSA code signs (CRT, blinded) and verifies; a wrong prime or exponent that the
// relations above could not see shows as a signature that does not verify.
Status check_signature(EVP_PKEY* key) {
  static constexpr std::string_view kMessage = "kadm pairwise consistency test";
  const auto* data = reinterpret_cast<const unsigned char*>(kMessage.data());
  UniqueEvpMdCtx sign(EVP_MD_CTX_new()), verify(EVP_MD_CTX_new());
  std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key)), '\0');
  size_t len = sig.size();
  auto* out = reinterpret_cast<unsigned char*>(sig.data());
  if (!sign || !verify ||
      EVP_DigestSignInit(sign.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(sign.get(), out, &len, data, kMessage.size()) != 1 ||
      EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return fail(openssl_error("check the RSA key's signature"));
  }
  if (EVP_DigestVerify(verify.get(), out, len, data, kMessage.size()) != 1) {
    return refused("its signature does not verify with its public key");
  }
  return {};
}

}  // namespace

Status check_rsa_key_consistency(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return refused("it is not an RSA key");
  auto numbers = KADM_TRY(read_numbers(key));
  KADM_TRY(check_numbers(numbers));
  return check_signature(key);
}

}  // namespace kadm::certs
