#include <gtest/gtest.h>

#include <string>

#include "common/net.h"
#include "config/defaults.h"
#include "config/load.h"
#include "config/validate.h"

namespace kadm::config {
namespace {

InitConfiguration valid_init() {
  InitConfiguration cfg;
  set_init_defaults(cfg);
  cfg.node_registration.name = "cp-1";
  cfg.local_api_endpoint.advertise_address = "192.168.0.10";
  cfg.cluster.networking.pod_subnet = "10.244.0.0/16";
  return cfg;
}

bool has_problem(const std::vector<std::string>& problems, const std::string& needle) {
  for (const auto& p : problems) {
    if (p.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ConfigValidate, DefaultsAreValid) { EXPECT_TRUE(validate_init(valid_init()).empty()); }

TEST(ConfigValidate, ReportsAllProblemsAtOnce) {
  auto loaded = load_config_file(std::string(KADM_TEST_DATA_DIR) + "/config/bad_problems.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().text();
  auto cfg = *loaded->init;
  set_init_defaults(cfg);
  auto problems = validate_init(cfg);
  ASSERT_EQ(problems.size(), 3u) << testing::PrintToString(problems);
  EXPECT_TRUE(has_problem(problems, "networking.podSubnet: invalid CIDR \"10.300.0.0/16\""));
  EXPECT_TRUE(has_problem(problems, "overlaps serviceSubnet"));
  EXPECT_TRUE(has_problem(problems, "kubernetesVersion: \"v1.x\""));
  auto st = to_status(problems);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().kind(), ErrorKind::Validation);
  const auto text = st.error().text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

struct Mutation {
  const char* name;
  void (*apply)(InitConfiguration&);
  const char* expected;
};

class InitProblems : public ::testing::TestWithParam<Mutation> {};

TEST_P(InitProblems, Detected) {
  auto cfg = valid_init();
  GetParam().apply(cfg);
  auto problems = validate_init(cfg);
  EXPECT_TRUE(has_problem(problems, GetParam().expected)) << testing::PrintToString(problems);
}

INSTANTIATE_TEST_SUITE_P(
    Validate, InitProblems,
    ::testing::Values(
        Mutation{"bad_service_cidr",
                 [](auto& c) { c.cluster.networking.service_subnet = "10.96.0.0"; },
                 "serviceSubnet: invalid CIDR"},
        Mutation{"service_too_large_v4",
                 [](auto& c) { c.cluster.networking.service_subnet = "10.0.0.0/8"; }, "too large"},
        Mutation{"service_too_large_v6",
                 [](auto& c) { c.cluster.networking.service_subnet = "fd00::/64"; }, "too large"},
        Mutation{"dual_stack_same_family",
                 [](auto& c) { c.cluster.networking.pod_subnet = "10.244.0.0/16,10.245.0.0/16"; },
                 "one IPv4 and one IPv6"},
        Mutation{"three_cidrs",
                 [](auto& c) {
                   c.cluster.networking.pod_subnet = "10.244.0.0/16,fd00::/56,10.1.0.0/16";
                 },
                 "at most two"},
        Mutation{"pod_too_small",
                 [](auto& c) { c.cluster.networking.pod_subnet = "10.244.0.0/25"; },
                 "smaller than one node's share"},
        Mutation{"advertise_in_pods",
                 [](auto& c) { c.local_api_endpoint.advertise_address = "10.244.3.4"; },
                 "podSubnet: contains the node's advertise address"},
        Mutation{"advertise_in_services",
                 [](auto& c) { c.local_api_endpoint.advertise_address = "10.96.0.5"; },
                 "serviceSubnet: contains the node's advertise address"},
        Mutation{"bad_advertise",
                 [](auto& c) { c.local_api_endpoint.advertise_address = "300.1.1.1"; },
                 "localAPIEndpoint.advertiseAddress"},
        Mutation{"bind_port", [](auto& c) { c.local_api_endpoint.bind_port = 70000; },
                 "localAPIEndpoint.bindPort"},
        Mutation{"version", [](auto& c) { c.cluster.kubernetes_version = "one.two"; },
                 "kubernetesVersion"},
        Mutation{
            "cert_san",
            [](auto& c) {
              c.cluster.api_server.cert_sans = {"ok.example.com", "*.wild.example.com", "Bad_Name"};
            },
            "apiServer.certSANs[2]"},
        Mutation{"token", [](auto& c) { c.bootstrap_tokens[0].token = "ABCDEF.0123456789abcdef"; },
                 "bootstrapTokens[0].token"},
        Mutation{"usage",
                 [](auto& c) {
                   c.bootstrap_tokens[0].usages = {"signing", "foo"};
                 },
                 "usage \"foo\""},
        Mutation{"group",
                 [](auto& c) { c.bootstrap_tokens[0].groups = {"system:bootstrappers:Foo"}; },
                 "bootstrapTokens[0].groups"},
        Mutation{"node_name", [](auto& c) { c.node_registration.name = "CP_1"; },
                 "nodeRegistration.name"},
        Mutation{"endpoint_port",
                 [](auto& c) { c.cluster.control_plane_endpoint = "lb.example.com:99999"; },
                 "controlPlaneEndpoint"},
        Mutation{"endpoint_host",
                 [](auto& c) { c.cluster.control_plane_endpoint = "lb_example:6443"; },
                 "controlPlaneEndpoint"},
        Mutation{"pull_policy",
                 [](auto& c) { c.node_registration.image_pull_policy = "Sometimes"; },
                 "imagePullPolicy"},
        Mutation{"all_mixed",
                 [](auto& c) {
                   c.node_registration.ignore_preflight_errors = {"Swap", "all"};
                 },
                 "ignorePreflightErrors"},
        Mutation{"certificate_key", [](auto& c) { c.certificate_key = "abc"; }, "certificateKey"},
        Mutation{"feature_gate", [](auto& c) { c.cluster.feature_gates["NoSuchGate"] = true; },
                 "NoSuchGate"},
        Mutation{"relative_cert_dir", [](auto& c) { c.cluster.certificates_dir = "pki"; },
                 "certificatesDir"}),
    [](const ::testing::TestParamInfo<Mutation>& p) { return std::string(p.param.name); });

TEST(ConfigValidate, AcceptedForms) {
  auto cfg = valid_init();
  cfg.cluster.networking.pod_subnet = "10.244.0.0/16,fd00:10:244::/56";
  cfg.cluster.networking.service_subnet = "10.96.0.0/16,fd00:10:96::/112";
  cfg.cluster.control_plane_endpoint = "[2001:db8::1]:6443";
  cfg.cluster.api_server.cert_sans = {"10.0.0.1", "2001:db8::2", "*.example.com"};
  cfg.bootstrap_tokens[0].token = "abcdef.0123456789abcdef";
  cfg.node_registration.ignore_preflight_errors = {"all"};
  cfg.cluster.kubernetes_version = "1.20.9";
  cfg.certificate_key = std::string(64, 'a');
  EXPECT_TRUE(validate_init(cfg).empty()) << testing::PrintToString(validate_init(cfg));
}

TEST(ConfigValidate, SingleValueChecksFromSpecVectors) {
  for (const char* ok : {"abcdef.1234567890123456", "123456.aabbccddeeffgghh",
                         "abcdef.abcdef0123456789", "123456.1234560123456789"}) {
    EXPECT_TRUE(is_valid_bootstrap_token(ok)) << ok;
  }
  for (const char* bad :
       {"", ".", "1234567890123456789012", "12345.1234567890123456", ".1234567890123456", "123456.",
        "123456:1234567890.123456", "abcdef:1234567890123456", "Abcdef.1234567890123456",
        "123456.AABBCCDDEEFFGGHH", "123456.AABBCCD-EEFFGGHH", "abc*ef.1234567890123456",
        "ABCDEF.abcdef0123456789"}) {
    EXPECT_FALSE(is_valid_bootstrap_token(bad)) << bad;
  }
  for (const char* ok : {"system:bootstrappers:foo", "system:bootstrappers:foo:bar:baz",
                         "system:bootstrappers:foo-bar-42"}) {
    EXPECT_TRUE(is_valid_bootstrap_group(ok)) << ok;
  }
  for (std::string bad :
       {std::string("system:bootstrappers:Foo"), std::string("foo"),
        std::string("system:bootstrappers:"), std::string("system:bootstrappers: "),
        std::string("system:bootstrappers:*"), std::string("system:bootstrappers:foo:"),
        std::string("system:bootstrappers:foo-"),
        std::string("system:bootstrappers:<script> alert(\"scary?!\") </script>"),
        "system:bootstrappers:" + std::string(300, 'x')}) {
    EXPECT_FALSE(is_valid_bootstrap_group(bad)) << bad;
  }
  EXPECT_TRUE(is_valid_ca_cert_hash(
      "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"));
  EXPECT_FALSE(is_valid_ca_cert_hash(
      "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8"));
  EXPECT_FALSE(is_valid_ca_cert_hash(
      "md5:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"));
}

TEST(ConfigValidate, CidrOverlap) {
  auto a = net::parse_cidr("10.96.0.0/12");
  auto b = net::parse_cidr("10.100.0.0/16");
  auto c = net::parse_cidr("10.244.0.0/16");
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(a->overlaps(*b));
  EXPECT_TRUE(b->overlaps(*a));
  EXPECT_FALSE(a->overlaps(*c));
  EXPECT_FALSE(net::parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(net::parse_cidr("10.0.0.0/"));
  EXPECT_TRUE(net::parse_cidr("fd00::/8"));
}

JoinConfiguration valid_join() {
  JoinConfiguration cfg;
  cfg.discovery.bootstrap_token = BootstrapTokenDiscovery{
      "abcdef.0123456789abcdef",
      "192.168.0.10:6443",
      {"sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"},
      false};
  set_join_defaults(cfg);
  cfg.node_registration.name = "worker-1";
  return cfg;
}

TEST(ConfigValidate, Join) {
  EXPECT_TRUE(validate_join(valid_join()).empty())
      << testing::PrintToString(validate_join(valid_join()));

  auto no_pin = valid_join();
  no_pin.discovery.bootstrap_token->ca_cert_hashes.clear();
  EXPECT_TRUE(has_problem(validate_join(no_pin), "discovery.bootstrapToken.caCertHashes"));
  no_pin.discovery.bootstrap_token->unsafe_skip_ca_verification = true;
  EXPECT_TRUE(validate_join(no_pin).empty());

  auto bad = valid_join();
  bad.discovery.bootstrap_token->ca_cert_hashes = {"sha256:xyz"};
  bad.discovery.bootstrap_token->api_server_endpoint = "192.168.0.10";
  bad.discovery.tls_bootstrap_token = "nope";
  auto problems = validate_join(bad);
  EXPECT_TRUE(has_problem(problems, "sha256:<64 hex characters>"));
  EXPECT_TRUE(has_problem(problems, "a port is required"));
  EXPECT_TRUE(has_problem(problems, "discovery.tlsBootstrapToken"));
  // Secrets never appear in messages.
  for (const auto& p : problems) EXPECT_EQ(p.find("nope"), std::string::npos) << p;

  JoinConfiguration none;
  set_join_defaults(none);
  EXPECT_TRUE(has_problem(validate_join(none), "set bootstrapToken"));
}

}  // namespace
}  // namespace kadm::config
