#include "certs/random_source.h"

#include <openssl/err.h>
#include <openssl/rand.h>

namespace kadm::certs {

void use_hash_drbg() {
  // Refused only when the generators exist already; they then stay as they are, which is safe.
  ERR_set_mark();
  RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
  ERR_pop_to_mark();
}

}  // namespace kadm::certs
