#include "token/token_create.h"

#include <gtest/gtest.h>

#include "lib/pin_vectors.h"

#include "token/bootstrap_token.h"

namespace kadm::token {
namespace {

using namespace std::chrono_literals;

TEST(TokenCreate, DefaultsLikeKubeadm) {
  auto t = token_from_flags({}).value();
  EXPECT_TRUE(is_valid_bootstrap_token(t.token));
  EXPECT_EQ(t.ttl, Duration(24h));
  EXPECT_EQ(t.usages, (std::vector<std::string>{"signing", "authentication"}));
  EXPECT_EQ(t.groups,
            (std::vector<std::string>{"system:bootstrappers:kubeadm:default-node-token"}));
  EXPECT_EQ(t.description, "");
  EXPECT_NE(token_from_flags({}).value().token, t.token);
}

TEST(TokenCreate, FlagsApplied) {
  CreateFlags f;
  f.token = "abcdef.0123456789abcdef";
  f.ttl = "1h30m";
  f.usages = {"authentication"};
  f.groups = {"system:bootstrappers:a,system:bootstrappers:b"};
  f.description = "for CI";
  auto t = token_from_flags(f).value();
  EXPECT_EQ(t.token, "abcdef.0123456789abcdef");
  EXPECT_EQ(t.ttl, Duration(90min));
  EXPECT_EQ(t.usages, (std::vector<std::string>{"authentication"}));
  EXPECT_EQ(t.groups,
            (std::vector<std::string>{"system:bootstrappers:a", "system:bootstrappers:b"}));
  EXPECT_EQ(t.description, "for CI");
}

TEST(TokenCreate, ZeroTtlMeansNever) {
  CreateFlags f;
  f.ttl = "0";
  EXPECT_EQ(token_from_flags(f).value().ttl, Duration(0));
}

TEST(TokenCreate, RejectsBadValuesWithoutEchoingTheSecret) {
  CreateFlags bad_token;
  bad_token.token = "abcdef.SECRETSECRETSECRE";
  auto e = token_from_flags(bad_token);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().text().find("SECRET"), std::string::npos) << e.error().text();

  CreateFlags bad_ttl;
  bad_ttl.ttl = "tomorrow";
  EXPECT_FALSE(token_from_flags(bad_ttl));
  bad_ttl.ttl = "-1h";
  EXPECT_FALSE(token_from_flags(bad_ttl));

  CreateFlags bad_usage;
  bad_usage.usages = {"signing", "foo"};
  auto u = token_from_flags(bad_usage);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().text().find("invalid bootstrap token usage string: foo"), std::string::npos);

  CreateFlags bad_group;
  bad_group.groups = {"system:masters"};
  auto g = token_from_flags(bad_group);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().text().find("system:masters"), std::string::npos);
}

TEST(TokenCreate, SetFlagNames) {
  CreateFlags f;
  EXPECT_TRUE(set_token_flag_names(f).empty());
  f.ttl = "1h";
  f.groups = std::vector<std::string>{};
  EXPECT_EQ(set_token_flag_names(f), (std::vector<std::string>{"ttl", "groups"}));
}

TEST(TokenCreate, JoinLinesWorkerThenControlPlane) {
  JoinLinesInput in;
  in.host_port = "10.0.0.1:6443";
  in.token = "abcdef.0123456789abcdef";
  in.ca_cert_hashes = {"sha256:aa", "sha256:bb"};
  auto lines = join_lines(in);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "kadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
            "--discovery-token-ca-cert-hash sha256:aa --discovery-token-ca-cert-hash sha256:bb ");
  in.certificate_key = "k3y";
  lines = join_lines(in);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], lines[0] + "--control-plane --certificate-key k3y");
}

// spec §11.2 test certificate and its pin.
const std::string& kCaPem = test::kPinTestCertPem;
constexpr std::string_view kCaPin = test::kPinTestCertPin;

TEST(TokenCreate, OneHashPerCaInTheBundle) {
  auto one = ca_cert_hashes(kCaPem).value();
  EXPECT_EQ(one, std::vector<std::string>{std::string(kCaPin)});
  auto two = ca_cert_hashes(kCaPem + kCaPem).value();
  EXPECT_EQ(two.size(), 2u);
}

TEST(TokenCreate, CaHashesNeedACertificate) { EXPECT_FALSE(ca_cert_hashes("not a pem")); }

}  // namespace
}  // namespace kadm::token
