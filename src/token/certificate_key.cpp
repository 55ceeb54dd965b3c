#include "token/certificate_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <memory>

#include "common/strings.h"

namespace kadm::token {

namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Status check_key(std::string_view key) {
  if (key.size() != kCertificateKeyBytes) {
    return fail(ErrorKind::Validation, "the certificate key must be " +
                                           std::to_string(kCertificateKeyBytes) +
                                           " bytes (64 hex characters)");
  }
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<std::string> generate_certificate_key() {
  std::array<unsigned char, kCertificateKeyBytes> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return fail(ErrorKind::General, "cannot read from the random number generator");
  }
  std::string hex =
      str::hex_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  OPENSSL_cleanse(raw.data(), raw.size());
  return hex;
}

Result<std::string> decode_certificate_key(std::string_view hex) {
  if (hex.size() != 2 * kCertificateKeyBytes) {
    return fail(ErrorKind::Validation,
                "the certificate key must be 64 hexadecimal characters (got " +
                    std::to_string(hex.size()) + ")");
  }
  std::string out(kCertificateKeyBytes, '\0');
  for (size_t i = 0; i < kCertificateKeyBytes; ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return fail(ErrorKind::Validation, "the certificate key is not hexadecimal");
    }
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Result<std::string> seal(std::string_view key, std::string_view plaintext) {
  KADM_TRY(check_key(key));
  std::string out(kGcmNonceBytes + plaintext.size() + kGcmTagBytes, '\0');
  if (RAND_bytes(bytes(out), static_cast<int>(kGcmNonceBytes)) != 1) {
    return fail(ErrorKind::General, "cannot read from the random number generator");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(out)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out) + kGcmNonceBytes, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kGcmNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes),
                          bytes(out) + kGcmNonceBytes + plaintext.size()) != 1) {
    return fail(ErrorKind::Tls, "AES-GCM encryption failed");
  }
  return out;
}

Result<std::string> open(std::string_view key, std::string_view sealed) {
  KADM_TRY(check_key(key));
  if (sealed.size() < kGcmNonceBytes) {
    return fail(ErrorKind::Validation, "size of data is less than the nonce");
  }
  if (sealed.size() < kGcmNonceBytes + kGcmTagBytes) {
    return fail(ErrorKind::Validation, "size of data is less than the nonce and the tag");
  }
  size_t text_len = sealed.size() - kGcmNonceBytes - kGcmTagBytes;
  std::string out(text_len, '\0');
  // GCM's tag control takes a non-const pointer although it only reads it.
  std::string tag(sealed.substr(kGcmNonceBytes + text_len));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(sealed) + kGcmNonceBytes,
                        static_cast<int>(text_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return fail(ErrorKind::Tls,
                "cannot decrypt the data: message authentication failed (wrong certificate key?)");
  }
  return out;
}

}  // namespace kadm::token
