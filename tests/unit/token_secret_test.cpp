#include "token/token_secret.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace kadm::token {
namespace {

using namespace std::chrono_literals;
using Data = std::map<std::string, std::string>;

TimePoint at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

config::BootstrapToken base() {
  config::BootstrapToken t;
  t.token = "abcdef.abcdef0123456789";
  return t;
}

const TimePoint kNow = at("1970-01-01T01:01:01Z");

// Spec §11.4 encodeTokenSecretData table.
TEST(TokenSecret, EncodeTable) {
  Data id_secret = {{"token-id", "abcdef"}, {"token-secret", "abcdef0123456789"}};
  EXPECT_EQ(encode_token_secret_data(base(), kNow).value(), id_secret);

  auto t = base();
  t.description = "foo";
  Data d = id_secret;
  d["description"] = "foo";
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);

  t = base();
  t.ttl = Duration(2h);
  d = id_secret;
  d["expiration"] = "1970-01-01T03:01:01Z";
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);

  t = base();
  t.expires = at("1970-01-01T01:01:01Z");
  d = id_secret;
  d["expiration"] = "1970-01-01T01:01:01Z";
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);

  t.ttl = Duration(2h);  // expires wins over ttl
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);

  t = base();
  t.usages = {"authentication", "signing"};
  d = id_secret;
  d["usage-bootstrap-signing"] = "true";
  d["usage-bootstrap-authentication"] = "true";
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);

  t = base();
  t.groups = {"system:bootstrappers", "system:bootstrappers:foo"};
  d = id_secret;
  d["auth-extra-groups"] = "system:bootstrappers,system:bootstrappers:foo";
  EXPECT_EQ(encode_token_secret_data(t, kNow).value(), d);
}

TEST(TokenSecret, ZeroTtlMeansNoExpirationAndEmptyDescriptionIsLeftOut) {
  auto t = base();
  t.ttl = Duration(0);
  t.description = "";
  auto d = encode_token_secret_data(t, kNow).value();
  EXPECT_FALSE(d.contains("expiration"));
  EXPECT_FALSE(d.contains("description"));
}

config::BootstrapToken all_together() {
  auto t = base();
  t.description = "foo";
  t.ttl = Duration(2h);
  t.usages = {"signing", "authentication"};
  t.groups = {"system:bootstrappers", "system:bootstrappers:foo"};
  return t;
}

TEST(TokenSecret, SecretObjectAllTogether) {
  auto s = token_to_secret(all_together(), kNow).value();
  EXPECT_EQ(s["apiVersion"], "v1");
  EXPECT_EQ(s["kind"], "Secret");
  EXPECT_EQ(s["metadata"]["name"], "bootstrap-token-abcdef");
  EXPECT_EQ(s["metadata"]["namespace"], "kube-system");
  EXPECT_EQ(s["type"], "bootstrap.kubernetes.io/token");
  EXPECT_EQ(s["data"].size(), 7u);
  EXPECT_EQ(s["data"]["token-secret"], str::base64_encode("abcdef0123456789"));
  EXPECT_EQ(s["data"]["expiration"], str::base64_encode("1970-01-01T03:01:01Z"));
}

TEST(TokenSecret, RoundTripSortsUsages) {
  auto s = token_to_secret(all_together(), kNow).value();
  auto t = token_from_secret(s).value();
  EXPECT_EQ(t.token, "abcdef.abcdef0123456789");
  EXPECT_EQ(t.description, "foo");
  ASSERT_TRUE(t.expires);
  EXPECT_EQ(format_rfc3339_utc(*t.expires), "1970-01-01T03:01:01Z");
  EXPECT_EQ(t.usages, (std::vector<std::string>{"authentication", "signing"}));
  EXPECT_EQ(t.groups,
            (std::vector<std::string>{"system:bootstrappers", "system:bootstrappers:foo"}));
}

TEST(TokenSecret, ReadingIgnoresUsagesNotTrueAndEmptyGroups) {
  auto s = token_to_secret(base(), kNow).value();
  s["data"]["usage-bootstrap-signing"] = str::base64_encode("false");
  s["data"]["usage-bootstrap-authentication"] = str::base64_encode("true");
  s["data"]["auth-extra-groups"] = str::base64_encode("");
  auto t = token_from_secret(s).value();
  EXPECT_EQ(t.usages, std::vector<std::string>{"authentication"});
  EXPECT_TRUE(t.groups.empty());
  EXPECT_FALSE(t.expires);
}

TEST(TokenSecret, InvalidSecretsAreErrors) {
  auto good = token_to_secret(base(), kNow).value();

  auto wrong_name = good;
  wrong_name["metadata"]["name"] = "bootstrap-token-zzzzzz";
  EXPECT_FALSE(token_from_secret(wrong_name));

  auto bad_expiration = good;
  bad_expiration["data"]["expiration"] = str::base64_encode("tomorrow");
  EXPECT_FALSE(token_from_secret(bad_expiration));

  auto bad_secret = good;
  bad_secret["data"]["token-secret"] = str::base64_encode("UPPER");
  EXPECT_FALSE(token_from_secret(bad_secret));

  auto bad_base64 = good;
  bad_base64["data"]["token-id"] = "!!!";
  EXPECT_FALSE(token_from_secret(bad_base64));

  EXPECT_FALSE(token_from_secret(nlohmann::json::array()));
}

TEST(TokenSecret, ExpiryRule) {
  const TimePoint now = at("2024-04-01T12:00:00Z");
  EXPECT_FALSE(token_secret_data_expired({}, now));  // missing: never expires
  EXPECT_TRUE(token_secret_data_expired({{"expiration", "garbage"}}, now));
  EXPECT_TRUE(token_secret_data_expired({{"expiration", "2024-04-01T12:00:00Z"}}, now));
  EXPECT_TRUE(token_secret_data_expired({{"expiration", "2024-04-01T11:59:59Z"}}, now));
  EXPECT_FALSE(token_secret_data_expired({{"expiration", "2024-04-01T12:00:01Z"}}, now));
  EXPECT_FALSE(token_secret_data_expired({{"expiration", "2024-04-01T14:00:00+02:00"}}, now - 1s));
}

TEST(TimeFormat, Rfc3339) {
  EXPECT_EQ(format_rfc3339_utc(at("2024-04-01T11:54:17Z")), "2024-04-01T11:54:17Z");
  EXPECT_EQ(format_rfc3339_utc(at("2024-04-01T13:54:17.75+02:00")), "2024-04-01T11:54:17Z");
  for (const char* bad : {"", "2024-04-01", "2024-04-01T11:54:17", "2024-13-01T00:00:00Z",
                          "2024-02-30T00:00:00Z", "2024-04-01T11:54:17Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

}  // namespace
}  // namespace kadm::token
