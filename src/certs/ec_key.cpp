// EC_KEY is deprecated in OpenSSL 3 in favour of providers; it is used here only for the reason
// in ec_key.h, and a build without the deprecated API makes provider keys instead.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "certs/ec_key.h"

#include <openssl/ec.h>
#include <openssl/evp.h>

#include <string>

namespace kadm::certs {

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
  std::unique_ptr<EC_KEY, decltype(&EC_KEY_free)> ec(EC_KEY_new_by_curve_name(nid), EC_KEY_free);
  UniqueEvpPkey key(EVP_PKEY_new());
  if (!ec || !key || EC_KEY_generate_key(ec.get()) != 1 ||
      EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1) {
    return fail(openssl_error(what));
  }
  ec.release();  // owned by key now
  return key;
#endif
}

}  // namespace kadm::certs
