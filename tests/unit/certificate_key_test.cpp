#include "token/certificate_key.h"

#include <gtest/gtest.h>

namespace kadm::token {
namespace {

std::string key_bytes() {
  return decode_certificate_key(generate_certificate_key().value()).value();
}

TEST(CertificateKey, GeneratedKeyIs64LowerHex) {
  std::string k = generate_certificate_key().value();
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k.find_first_not_of("0123456789abcdef"), std::string::npos) << k;
  EXPECT_NE(k, generate_certificate_key().value());
}

TEST(CertificateKey, Decode) {
  std::string hex(64, 'a');
  hex[0] = 'F';
  auto raw = decode_certificate_key(hex).value();
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(raw[0]), 0xfa);
  EXPECT_FALSE(decode_certificate_key(std::string(63, 'a')));
  EXPECT_FALSE(decode_certificate_key(std::string(66, 'a')));
  EXPECT_FALSE(decode_certificate_key(std::string(62, 'a') + "zz"));
}

TEST(CertificateKey, SealOpenRoundTrip) {
  std::string key = key_bytes();
  for (std::string plain : {std::string(), std::string("-----BEGIN RSA PRIVATE KEY-----\n..."),
                            std::string(5000, '\x01')}) {
    std::string sealed = seal(key, plain).value();
    EXPECT_EQ(sealed.size(), 12 + plain.size() + 16);
    EXPECT_EQ(open(key, sealed).value(), plain);
    if (!plain.empty()) {
      EXPECT_EQ(sealed.find(plain), std::string::npos);
    }
  }
  EXPECT_NE(seal(key, "same").value(), seal(key, "same").value());  // random nonce
}

TEST(CertificateKey, WrongKeyOrTamperingFails) {
  std::string sealed = seal(key_bytes(), "secret bytes").value();
  EXPECT_FALSE(open(key_bytes(), sealed));
  std::string key = key_bytes();
  sealed = seal(key, "secret bytes").value();
  sealed[14] = static_cast<char>(sealed[14] ^ 1);
  EXPECT_FALSE(open(key, sealed));
}

TEST(CertificateKey, ShortDataErrors) {
  auto r = open(key_bytes(), "short");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "size of data is less than the nonce");
  EXPECT_FALSE(open(key_bytes(), std::string(20, 'x')));
  EXPECT_FALSE(seal("too short", "x"));
}

}  // namespace
}  // namespace kadm::token
