#include "token/jws.h"

#include <gtest/gtest.h>

#include "common/strings.h"

namespace kadm::token {
namespace {

constexpr const char* kContent = "Hello from the other side. I must have called a thousand times.";
constexpr const char* kId = "joshua";
constexpr const char* kSecret = "my voice is my passcode";

// Spec §11.1 vectors.
TEST(Jws, Vectors) {
  EXPECT_EQ(
      detached_signature(kContent, kId, kSecret).value(),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8");
  EXPECT_EQ(
      detached_signature("", kId, kSecret).value(),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..7Ui1ALizW4jXphVUB7xUqC9vLYLL9RZeOFfVLoB7Tgk");
  EXPECT_EQ(
      detached_signature(kContent, kId, "").value(),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..UfkqvDGiIFxrMnFseDj9LYJOLNrvjW8aHhF71mvvAs8");
}

TEST(Jws, Verify) {
  std::string sig = detached_signature(kContent, kId, kSecret).value();
  EXPECT_TRUE(detached_signature_is_valid(sig, kContent, kId, kSecret));
  EXPECT_FALSE(detached_signature_is_valid(sig + "foo", kContent, kId, kSecret));
  EXPECT_FALSE(detached_signature_is_valid(sig, std::string(kContent) + " ", kId, kSecret));
  EXPECT_FALSE(detached_signature_is_valid(sig, kContent, "joshub", kSecret));
  EXPECT_FALSE(detached_signature_is_valid(sig, kContent, kId, "my voice is my passcodf"));
  EXPECT_FALSE(detached_signature_is_valid("", kContent, kId, kSecret));
}

TEST(Jws, HeaderForAbcdef) {
  std::string sig = detached_signature("x", "abcdef", "0123456789abcdef").value();
  EXPECT_EQ(sig.substr(0, sig.find('.')), "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9");
  EXPECT_EQ(str::base64url_encode_nopad(R"({"alg":"HS256","kid":"joshua"})"),
            "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9");
}

}  // namespace
}  // namespace kadm::token
