#include <gtest/gtest.h>

#include "config/defaults.h"
#include "config/load.h"
#include "config/print.h"
#include "config/yaml_tree.h"

namespace kadm::config {
namespace {

using namespace std::chrono_literals;

// Spec §10.2 v1beta4 text; the registry and kadm's own <major>.<minor>.0 are substituted.
std::string expected_init_defaults() {
  return std::string(R"(apiVersion: kubeadm.k8s.io/v1beta4
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: node
  taints: null
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
  discovery: 5m0s
  etcdAPICall: 2m0s
  kubeletHealthCheck: 4m0s
  kubernetesAPICall: 1m0s
  tlsBootstrap: 5m0s
  upgradeManifests: 5m0s
---
apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: )") +
         std::string(default_image_repository()) + R"(
kind: ClusterConfiguration
kubernetesVersion: 1.37.0
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler: {}
)";
}

TEST(ConfigPrint, InitDefaultsGolden) {
  EXPECT_EQ(print_init_defaults(), expected_init_defaults());
}

TEST(ConfigPrint, InitDefaultsRoundTrip) {
  auto loaded = load_config_text(print_init_defaults(), "defaults");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().text();
  EXPECT_TRUE(loaded->warnings.empty()) << testing::PrintToString(loaded->warnings);
  ASSERT_TRUE(loaded->init && loaded->has_init_config && loaded->has_cluster_config);
  InitConfiguration expected;
  expected.bootstrap_tokens.emplace_back().token = "abcdef.0123456789abcdef";
  expected.local_api_endpoint.advertise_address = "1.2.3.4";
  expected.node_registration.name = "node";
  set_init_defaults(expected);
  expected.cluster.kubernetes_version = "1.37.0";
  EXPECT_TRUE(*loaded->init == expected);
}

TEST(ConfigPrint, JoinDefaultsRoundTrip) {
  const auto text = print_join_defaults();
  EXPECT_NE(text.find("caCertPath: /etc/kubernetes/pki/ca.crt"), std::string::npos);
  EXPECT_NE(text.find("tlsBootstrapToken: abcdef.0123456789abcdef"), std::string::npos);
  auto loaded = load_config_text(text, "join");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().text();
  ASSERT_TRUE(loaded->join);
  EXPECT_TRUE(loaded->warnings.empty());
  EXPECT_TRUE(loaded->join->discovery.bootstrap_token->unsafe_skip_ca_verification);
  EXPECT_EQ(print_join_defaults(), join_configuration_yaml(*loaded->join));
}

TEST(ConfigPrint, RichClusterConfigurationRoundTrip) {
  InitConfiguration cfg;
  auto& c = cfg.cluster;
  c.networking.pod_subnet = "10.244.0.0/16";
  c.control_plane_endpoint = "lb.example.com:6443";
  c.api_server.extra_args = {{"z-flag", "true"}, {"a-flag", "1"}, {"empty", ""}};
  c.api_server.extra_volumes = {
      {"audit", "/var/log/audit", "/var/log/audit", true, "DirectoryOrCreate"}};
  c.api_server.extra_envs = {{"HTTP_PROXY", "http://proxy:3128"}};
  c.api_server.cert_sans = {"10.0.0.1", "*.example.com"};
  c.feature_gates = {{"NodeLocalCRISocket", false}};
  c.encryption_algorithm = EncryptionAlgorithm::ECDSAP384;
  c.dns.disabled = true;
  c.kubernetes_version = "1.30";  // must survive as a string, not a number
  cfg.node_registration.taints = std::vector<Taint>{};
  cfg.node_registration.kubelet_extra_args = {{"node-ip", "10.0.0.5"}};
  cfg.skip_phases = {"addon/kube-proxy"};
  cfg.patches_directory = "/etc/kadm/patches";
  cfg.bootstrap_tokens.emplace_back().description = "yes";
  set_init_defaults(cfg);
  cfg.cluster.etcd.local->extra_args = {{"quota-backend-bytes", "8589934592"}};
  const auto text =
      init_configuration_yaml(cfg) + "---\n" + cluster_configuration_yaml(cfg.cluster);
  EXPECT_NE(text.find("kubernetesVersion: \"1.30\""), std::string::npos) << text;
  EXPECT_NE(text.find("taints: []"), std::string::npos) << text;
  EXPECT_NE(text.find("description: \"yes\""), std::string::npos) << text;
  auto loaded = load_config_text(text, "rich");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().text();
  EXPECT_TRUE(loaded->warnings.empty()) << testing::PrintToString(loaded->warnings);
  EXPECT_TRUE(*loaded->init == cfg) << text;
}

TEST(ConfigPrint, MigratedV1Beta3ReadsBackAsV1Beta4) {
  auto old = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n"
      "  timeoutForControlPlane: 2m0s\n  extraArgs:\n    b: \"2\"\n    a: \"1\"\n",
      "old");
  ASSERT_TRUE(old.has_value());
  auto text = cluster_configuration_yaml(old->init->cluster);
  auto again = load_config_text(text, "new");
  ASSERT_TRUE(again.has_value()) << again.error().text();
  EXPECT_EQ(again->version, ApiVersion::V1Beta4);
  EXPECT_EQ(again->init->cluster.api_server.extra_args, (std::vector<Arg>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(old->init->timeouts.control_plane_component_health_check, Duration{2min});
}

TEST(YamlTree, QuotesOnlyWhatNeedsIt) {
  EXPECT_FALSE(yaml_needs_quotes("1.37.0"));
  EXPECT_FALSE(yaml_needs_quotes("unix:///run/x.sock"));
  EXPECT_FALSE(yaml_needs_quotes("system:bootstrappers:x"));
  EXPECT_TRUE(yaml_needs_quotes("1.30"));
  EXPECT_TRUE(yaml_needs_quotes("6443"));
  EXPECT_TRUE(yaml_needs_quotes("true"));
  EXPECT_TRUE(yaml_needs_quotes("No"));
  EXPECT_TRUE(yaml_needs_quotes(""));
  EXPECT_TRUE(yaml_needs_quotes("*.example.com"));
  EXPECT_TRUE(yaml_needs_quotes("a: b"));
}

}  // namespace
}  // namespace kadm::config
