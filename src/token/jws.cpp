#include "token/jws.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "common/strings.h"

namespace kadm::token {

Result<std::string> detached_signature(std::string_view content, std::string_view token_id,
                                       std::string_view token_secret) {
  // The header is written by hand so that key order and spacing are exactly the signer's.
  std::string header = R"({"alg":"HS256","kid":")" + std::string(token_id) + R"("})";
  std::string signing_input =
      str::base64url_encode_nopad(header) + "." + str::base64url_encode_nopad(content);

  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  // An empty key is legal for HMAC; pass a valid pointer so OpenSSL does not treat it as "reuse".
  static const unsigned char kEmpty = 0;
  const void* key = token_secret.empty() ? static_cast<const void*>(&kEmpty)
                                         : static_cast<const void*>(token_secret.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(token_secret.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
           mac.data(), &mac_len) == nullptr) {
    return fail(ErrorKind::Tls, "cannot compute the HMAC-SHA256 of the JWS");
  }
  std::string_view mac_view(reinterpret_cast<const char*>(mac.data()), mac_len);
  return str::base64url_encode_nopad(header) + ".." + str::base64url_encode_nopad(mac_view);
}

bool detached_signature_is_valid(std::string_view signature, std::string_view content,
                                 std::string_view token_id, std::string_view token_secret) {
  auto expected = detached_signature(content, token_id, token_secret);
  if (!expected || expected->size() != signature.size()) return false;
  return CRYPTO_memcmp(expected->data(), signature.data(), signature.size()) == 0;
}

}  // namespace kadm::token
