// The one rule for bootstrap tokens, groups, usages and CA pins (config/token_rules), and that
// configuration validation, the token module and the pin set all use it.
#include <gtest/gtest.h>

#include "certs/pin.h"
#include "config/defaults.h"
#include "config/token_rules.h"
#include "config/validate.h"
#include "token/bootstrap_token.h"

namespace kadm::config {
namespace {

const std::string kHash = "3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a";

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(TokenRules, TokenAndId) {
  EXPECT_TRUE(is_valid_bootstrap_token("abcdef.0123456789abcdef"));
  EXPECT_FALSE(is_valid_bootstrap_token("abcdef.0123456789abcdeF"));
  EXPECT_FALSE(is_valid_bootstrap_token("abcdef.0123456789abcde"));
  EXPECT_FALSE(is_valid_bootstrap_token("abcdef-0123456789abcdef"));
  EXPECT_TRUE(is_valid_bootstrap_token_id("abcdef"));
  EXPECT_FALSE(is_valid_bootstrap_token_id("abcde"));
  EXPECT_FALSE(is_valid_bootstrap_token_id("abcdeF"));
  // The token module's parser is the same rule.
  EXPECT_TRUE(token::parse_token("abcdef.0123456789abcdef"));
  EXPECT_FALSE(token::parse_token("abcdef.0123456789abcdeF"));
}

TEST(TokenRules, GroupsAndUsages) {
  const std::string longest = "system:bootstrappers:" + std::string(256, 'a');
  EXPECT_TRUE(is_valid_bootstrap_group(longest));
  EXPECT_FALSE(is_valid_bootstrap_group(longest + "a"));
  EXPECT_FALSE(is_valid_bootstrap_group("system:bootstrappers:a:"));
  EXPECT_EQ(token::validate_group("system:bootstrappers:a:").has_value(), false);
  EXPECT_TRUE(is_known_token_usage("signing"));
  EXPECT_TRUE(is_known_token_usage("authentication"));
  EXPECT_FALSE(is_known_token_usage("Signing"));
  EXPECT_FALSE(token::validate_usages({"Signing"}));
}

// kubeadm's pin parser: the format in any case, the hex in any case, stored in lower case.
TEST(TokenRules, CaCertHashAcceptsUpperCaseAsKubeadm) {
  EXPECT_EQ(parse_ca_cert_hash("sha256:" + kHash).value(), kHash);
  EXPECT_EQ(parse_ca_cert_hash("SHA256:" + upper(kHash)).value(), kHash);
  EXPECT_TRUE(is_valid_ca_cert_hash("Sha256:" + upper(kHash)));
  struct Bad {
    std::string hash;
    std::string why;
  };
  for (const auto& [hash, why] : std::vector<Bad>{
           {kHash, "expected \"format:hex-value\""},
           {"sha256:" + kHash + ":" + kHash, "expected \"format:hex-value\""},
           {"md5:" + kHash, "unknown hash format \"md5\""},
           {"sha256:" + kHash.substr(2), "found 31 bytes"},
           {"sha256:" + kHash.substr(1) + "g", "found 32 bytes"},
       }) {
    auto r = parse_ca_cert_hash(hash);
    ASSERT_FALSE(r) << hash;
    EXPECT_NE(r.error().message().find(why), std::string::npos) << r.error().message();
    EXPECT_FALSE(is_valid_ca_cert_hash(hash)) << hash;
  }
}

// What config validation accepts, join discovery can pin, and the other way round.
TEST(TokenRules, ConfigValidationAndThePinSetAgree) {
  struct Case {
    std::string hash;
    bool valid;
  };
  for (const auto& [hash, valid] : std::vector<Case>{{"sha256:" + kHash, true},
                                                     {"SHA256:" + upper(kHash), true},
                                                     {"sha256:" + kHash.substr(1), false},
                                                     {"sha1:" + kHash, false}}) {
    JoinConfiguration join;
    set_join_defaults(join);
    join.discovery.bootstrap_token = BootstrapTokenDiscovery{};
    join.discovery.bootstrap_token->token = "abcdef.0123456789abcdef";
    join.discovery.bootstrap_token->api_server_endpoint = "10.0.0.1:6443";
    join.discovery.bootstrap_token->ca_cert_hashes = {hash};
    EXPECT_EQ(validate_join(join).empty(), valid)
        << hash << ": " << testing::PrintToString(validate_join(join));
    certs::PinSet pins;
    EXPECT_EQ(pins.allow(hash).has_value(), valid) << hash;
  }
}

}  // namespace
}  // namespace kadm::config
