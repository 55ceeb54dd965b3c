#include "token/bootstrap_token.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace kadm::token {
namespace {

struct TokenCase {
  const char* input;
  bool valid;
};

// Spec §11.3 IsValidBootstrapToken table.
constexpr std::array kTokenCases = {
    TokenCase{"", false},
    TokenCase{".", false},
    TokenCase{"1234567890123456789012", false},
    TokenCase{"12345.1234567890123456", false},
    TokenCase{".1234567890123456", false},
    TokenCase{"123456.", false},
    TokenCase{"123456:1234567890.123456", false},
    TokenCase{"abcdef:1234567890123456", false},
    TokenCase{"Abcdef.1234567890123456", false},
    TokenCase{"123456.AABBCCDDEEFFGGHH", false},
    TokenCase{"123456.AABBCCD-EEFFGGHH", false},
    TokenCase{"abc*ef.1234567890123456", false},
    TokenCase{"abcdef.1234567890123456", true},
    TokenCase{"123456.aabbccddeeffgghh", true},
    TokenCase{"ABCDEF.abcdef0123456789", false},
    TokenCase{"abcdef.abcdef0123456789", true},
    TokenCase{"123456.1234560123456789", true},
};

TEST(BootstrapToken, ValidityTable) {
  for (const auto& c : kTokenCases) {
    EXPECT_EQ(is_valid_bootstrap_token(c.input), c.valid) << c.input;
    auto parsed = parse_token(c.input);
    EXPECT_EQ(parsed.has_value(), c.valid) << c.input;
    if (parsed) {
      std::string s(c.input);
      EXPECT_EQ(parsed->id, s.substr(0, 6));
      EXPECT_EQ(parsed->secret, s.substr(7));
      EXPECT_EQ(parsed->to_string(), s);
    }
  }
}

TEST(BootstrapToken, TrailingNewlineIsInvalid) {
  EXPECT_FALSE(is_valid_bootstrap_token("abcdef.1234567890123456\n"));
  EXPECT_FALSE(is_valid_bootstrap_token_id("abcdef\n"));
}

TEST(BootstrapToken, IdTable) {
  for (const char* bad : {"", "1234567890123456789012", "12345", "Abcdef", "ABCDEF", "abcdef."}) {
    EXPECT_FALSE(is_valid_bootstrap_token_id(bad)) << bad;
  }
  EXPECT_TRUE(is_valid_bootstrap_token_id("abcdef"));
  EXPECT_TRUE(is_valid_bootstrap_token_id("123456"));
}

TEST(BootstrapToken, FromIdAndSecretTable) {
  const std::array<std::pair<const char*, const char*>, 9> bad = {{{"", ""},
                                                                   {"1234567890123456789012", ""},
                                                                   {"12345", "1234567890123456"},
                                                                   {"", "1234567890123456"},
                                                                   {"123456", ""},
                                                                   {"Abcdef", "1234567890123456"},
                                                                   {"123456", "AABBCCDDEEFFGGHH"},
                                                                   {"123456", "AABBCCD-EEFFGGHH"},
                                                                   {"abc*ef", "1234567890123456"}}};
  for (auto [id, secret] : bad) EXPECT_FALSE(token_from_id_and_secret(id, secret)) << id;
  const std::array<std::pair<const char*, const char*>, 4> good = {
      {{"abcdef", "1234567890123456"},
       {"123456", "aabbccddeeffgghh"},
       {"abcdef", "abcdef0123456789"},
       {"123456", "1234560123456789"}}};
  for (auto [id, secret] : good) {
    auto t = token_from_id_and_secret(id, secret);
    ASSERT_TRUE(t) << id;
    EXPECT_EQ(t->to_string(), std::string(id) + "." + secret);
  }
}

TEST(BootstrapToken, ParseErrorNeverShowsTheSecret) {
  auto r = parse_token("abcdef.ABCDEFsecretvalue");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  EXPECT_EQ(r.error().text().find("ABCDEFsecretvalue"), std::string::npos) << r.error().text();
}

TEST(BootstrapToken, SecretName) {
  EXPECT_EQ(secret_name("foo"), "bootstrap-token-foo");
  EXPECT_EQ(secret_name("bar"), "bootstrap-token-bar");
  EXPECT_EQ(secret_name(""), "bootstrap-token-");
  EXPECT_EQ(secret_name("abcdef"), "bootstrap-token-abcdef");
}

TEST(BootstrapToken, IdOrTokenForDelete) {
  EXPECT_EQ(parse_token_id_or_token("abcdef").value(), "abcdef");
  EXPECT_EQ(parse_token_id_or_token("abcdef.0123456789abcdef").value(), "abcdef");
  auto bad = parse_token_id_or_token("abcdef.0123");
  ASSERT_FALSE(bad);
  EXPECT_EQ(
      bad.error().message(),
      R"(given token didn't match pattern "\A([a-z0-9]{6})\.([a-z0-9]{16})\z" or "\A([a-z0-9]{6})\z")");
}

TEST(BootstrapToken, GeneratedTokensAreValidAndDiffer) {
  std::set<std::string> seen;
  std::array<int, 36> counts{};
  for (int i = 0; i < 2000; ++i) {
    auto t = generate_token();
    ASSERT_TRUE(t);
    ASSERT_TRUE(is_valid_bootstrap_token(t->to_string())) << t->to_string();
    seen.insert(t->to_string());
    for (char c : t->id + t->secret) {
      counts[static_cast<size_t>(c <= '9' ? c - '0' : c - 'a' + 10)]++;
    }
  }
  EXPECT_EQ(seen.size(), 2000u);
  // 44000 characters over 36 symbols: ~1222 each. A broken (e.g. modulo-biased or stuck)
  // generator falls far outside this band.
  for (int n : counts) {
    EXPECT_GT(n, 1000);
    EXPECT_LT(n, 1450);
  }
}

TEST(BootstrapToken, GroupTable) {
  for (const char* good : {"system:bootstrappers:foo", "system:bootstrappers:foo:bar:baz",
                           "system:bootstrappers:foo-bar-42"}) {
    EXPECT_TRUE(validate_group(good)) << good;
  }
  std::vector<std::string> bad = {"system:bootstrappers:Foo",
                                  "foo",
                                  "system:bootstrappers:",
                                  "system:bootstrappers: ",
                                  "system:bootstrappers:*",
                                  "system:bootstrappers:foo:",
                                  "system:bootstrappers:foo-",
                                  R"(system:bootstrappers:<script> alert("scary?!") </script>)",
                                  "system:bootstrappers:" + std::string(300, 'x')};
  for (const auto& g : bad) EXPECT_FALSE(validate_group(g)) << g;
  EXPECT_FALSE(validate_groups({"system:bootstrappers:foo", "foo"}));
  EXPECT_TRUE(validate_groups({"system:bootstrappers:foo"}));
}

TEST(BootstrapToken, UsagesTable) {
  EXPECT_TRUE(validate_usages({"signing"}));
  EXPECT_TRUE(validate_usages({"authentication"}));
  EXPECT_TRUE(validate_usages({"authentication", "signing"}));
  EXPECT_FALSE(validate_usages({"authentication", "foo"}));
  auto bad = validate_usages({"foo", "bar"});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message().starts_with("invalid bootstrap token usage string: foo"))
      << bad.error().message();
}

}  // namespace
}  // namespace kadm::token
