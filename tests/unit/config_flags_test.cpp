#include <gtest/gtest.h>

#include "common/fs.h"
#include "config/init_flags.h"
#include "config/join_flags.h"
#include "lib/temp_dir.h"

namespace kadm::config {
namespace {

using namespace std::chrono_literals;

Result<std::string> fixed_address() { return std::string("192.168.0.10"); }

// The KubeletConfiguration document of --config is kept for kubelet-start (and preflight).
TEST(InitFlagsResolve, ConfigFileKeepsTheKubeletConfiguration) {
  test::TempDir dir;
  auto path = dir.path() / "kubeadm.yaml";
  ASSERT_TRUE(fs::write_file_atomic(path,
                                    "apiVersion: kubeadm.k8s.io/v1beta4\n"
                                    "kind: ClusterConfiguration\n"
                                    "kubernetesVersion: v1.37.2\n"
                                    "---\n"
                                    "apiVersion: kubelet.config.k8s.io/v1beta1\n"
                                    "kind: KubeletConfiguration\n"
                                    "failSwapOn: false\n",
                                    0600));
  auto cfg = resolve_init_config(InitFlags{}, path.string(), "node", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_NE(cfg->kubelet_config_yaml.find("failSwapOn: false"), std::string::npos)
      << cfg->kubelet_config_yaml;
  EXPECT_NE(cfg->kubelet_config_yaml.find("kind: KubeletConfiguration"), std::string::npos);
}

TEST(InitFlagsResolve, FromFlagsOnly) {
  InitFlags f;
  f.pod_network_cidr = "10.244.0.0/16";
  f.kubernetes_version = "v1.20.9";
  f.token = "abcdef.0123456789abcdef";
  f.token_ttl = "2h";
  f.apiserver_cert_extra_sans = std::vector<std::string>{"lb.example.com"};
  f.feature_gates = "NodeLocalCRISocket=false";
  f.ignore_preflight_errors = std::vector<std::string>{"Swap"};
  auto cfg = resolve_init_config(f, std::nullopt, "Node-A", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_EQ(cfg->cluster.networking.pod_subnet, "10.244.0.0/16");
  EXPECT_EQ(cfg->cluster.networking.service_subnet, "10.96.0.0/12");
  EXPECT_EQ(cfg->cluster.kubernetes_version, "v1.20.9");
  ASSERT_EQ(cfg->bootstrap_tokens.size(), 1u);
  EXPECT_EQ(cfg->bootstrap_tokens[0].ttl, Duration{2h});
  EXPECT_EQ(cfg->bootstrap_tokens[0].usages.size(), 2u);
  EXPECT_EQ(cfg->cluster.api_server.cert_sans, std::vector<std::string>{"lb.example.com"});
  EXPECT_EQ(cfg->cluster.feature_gates.at("NodeLocalCRISocket"), false);
  EXPECT_EQ(cfg->node_registration.name, "node-a");
  EXPECT_EQ(cfg->local_api_endpoint.advertise_address, "192.168.0.10");
}

TEST(InitFlagsResolve, ValidationProblemsFromFlags) {
  InitFlags f;
  f.pod_network_cidr = "10.96.0.0/16";
  f.token = "bad";
  auto cfg = resolve_init_config(f, std::nullopt, "node", fixed_address);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_EQ(cfg.error().kind(), ErrorKind::Validation);
  EXPECT_NE(cfg.error().text().find("overlaps"), std::string::npos);
  EXPECT_NE(cfg.error().text().find("bootstrapTokens[0].token"), std::string::npos);
}

TEST(InitFlagsResolve, BadFeatureGateAndTtl) {
  InitFlags f;
  f.feature_gates = "Foo";
  auto cfg = resolve_init_config(f, std::nullopt, "node", fixed_address);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().text().find("--feature-gates"), std::string::npos);
  InitFlags g;
  g.token_ttl = "forever";
  EXPECT_FALSE(resolve_init_config(g, std::nullopt, "node", fixed_address).has_value());
}

TEST(InitFlagsResolve, ConfigMixedWithDisallowedFlagsIsAnError) {
  InitFlags f;
  f.pod_network_cidr = "10.244.0.0/16";
  f.kubernetes_version = "v1.20.9";
  f.dry_run = true;           // allowed
  f.skip_token_print = true;  // allowed (skip-*)
  auto cfg = resolve_init_config(f, std::string("/nonexistent.yaml"), "node", fixed_address);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_EQ(cfg.error().kind(), ErrorKind::Validation);
  const auto text = cfg.error().text();
  EXPECT_NE(
      text.find("can not mix '--config' with arguments --kubernetes-version, --pod-network-cidr"),
      std::string::npos)
      << text;
  // Exactly the disallowed flags are named; allowed ones (--dry-run, --skip-*) are not.
  const auto list = text.substr(0, text.find(": put"));
  EXPECT_EQ(list, "can not mix '--config' with arguments --kubernetes-version, --pod-network-cidr");
}

// Regression: the component config documents of --config were read and then dropped, so a
// kubelet never saw the user's KubeletConfiguration (failCgroupV1, cgroupDriver, ...).
TEST(InitFlagsResolve, ComponentConfigDocumentsReachTheConfiguration) {
  test::TempDir dir;
  const auto path = dir.path() / "kadm.yaml";
  ASSERT_TRUE(fs::write_file_atomic(
      path,
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
      "---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      "cgroupDriver: cgroupfs\nfailCgroupV1: false\n"
      "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
      "conntrack:\n  maxPerCore: 0\n",
      0600));
  auto cfg = resolve_init_config(InitFlags{}, path.string(), "host", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_NE(cfg->kubelet_config_yaml.find("failCgroupV1: false"), std::string::npos);
  EXPECT_NE(cfg->kube_proxy_config_yaml.find("maxPerCore: 0"), std::string::npos);
}

TEST(InitFlagsResolve, ConfigWithAllowedFlags) {
  test::TempDir dir;
  const auto path = dir.path() / "kadm.yaml";
  ASSERT_TRUE(fs::write_file_atomic(
      path,
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
      "nodeRegistration:\n  name: from-file\n  ignorePreflightErrors: [NumCPU]\n"
      "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
      "networking:\n  podSubnet: 10.244.0.0/16\n",
      0600));
  InitFlags f;
  f.dry_run = true;
  f.node_name = "from-flag";
  f.ignore_preflight_errors = std::vector<std::string>{"Swap", "NumCPU"};
  f.skip_phases = std::vector<std::string>{"addon/kube-proxy"};
  f.upload_certs = true;
  auto cfg = resolve_init_config(f, path.string(), "host", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_TRUE(cfg->dry_run);
  EXPECT_EQ(cfg->node_registration.name, "from-flag");
  EXPECT_EQ(cfg->node_registration.ignore_preflight_errors,
            (std::vector<std::string>{"NumCPU", "Swap"}));
  EXPECT_EQ(cfg->skip_phases, std::vector<std::string>{"addon/kube-proxy"});
  EXPECT_EQ(cfg->cluster.networking.pod_subnet, "10.244.0.0/16");
}

TEST(InitFlagsResolve, ConfigWithoutInitDocument) {
  test::TempDir dir;
  const auto path = dir.path() / "join.yaml";
  ASSERT_TRUE(fs::write_file_atomic(
      path, "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n", 0600));
  auto cfg = resolve_init_config({}, path.string(), "host", fixed_address);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().text().find("no InitConfiguration"), std::string::npos);
}

TEST(InitFlags, SetFlagNames) {
  InitFlags f;
  EXPECT_TRUE(set_flag_names(f).empty());
  f.upload_certs = false;  // given as --upload-certs=false still counts as given
  f.service_cidr = "10.0.0.0/16";
  EXPECT_EQ(set_flag_names(f), (std::vector<std::string>{"service-cidr", "upload-certs"}));
}

TEST(JoinFlagsResolve, TokenDiscoveryFromFlags) {
  JoinFlags f;
  f.api_server_endpoint = "192.168.0.10:6443";
  f.token = "abcdef.0123456789abcdef";
  f.discovery_token_ca_cert_hash = std::vector<std::string>{
      "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"};
  auto cfg = resolve_join_config(f, std::nullopt, "Worker1", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_EQ(cfg->discovery.bootstrap_token->token, "abcdef.0123456789abcdef");
  EXPECT_EQ(cfg->discovery.tls_bootstrap_token, "abcdef.0123456789abcdef");
  EXPECT_EQ(cfg->node_registration.name, "worker1");
  EXPECT_FALSE(cfg->control_plane);
}

TEST(JoinFlagsResolve, ControlPlaneJoinDetectsAddress) {
  JoinFlags f;
  f.api_server_endpoint = "lb.example.com:6443";
  f.token = "abcdef.0123456789abcdef";
  f.discovery_token_unsafe_skip_ca_verification = true;
  f.control_plane = true;
  f.certificate_key = std::string(64, 'f');
  auto cfg = resolve_join_config(f, std::nullopt, "cp2", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  ASSERT_TRUE(cfg->control_plane);
  EXPECT_EQ(cfg->control_plane->local_api_endpoint.advertise_address, "192.168.0.10");
  EXPECT_EQ(cfg->control_plane->local_api_endpoint.bind_port, 6443);
}

TEST(JoinFlagsResolve, MissingPinIsAnError) {
  JoinFlags f;
  f.api_server_endpoint = "192.168.0.10:6443";
  f.token = "abcdef.0123456789abcdef";
  auto cfg = resolve_join_config(f, std::nullopt, "w", fixed_address);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().text().find("--discovery-token-unsafe-skip-ca-verification"),
            std::string::npos);
  EXPECT_EQ(cfg.error().text().find("0123456789abcdef"), std::string::npos);  // no secrets
}

TEST(JoinFlagsResolve, FileDiscoveryAndConfigMix) {
  JoinFlags f;
  f.discovery_file = "file:///etc/kubernetes/discovery.conf";
  auto cfg = resolve_join_config(f, std::nullopt, "w", fixed_address);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().text();
  EXPECT_EQ(cfg->discovery.file->kube_config_path, "/etc/kubernetes/discovery.conf");

  JoinFlags mixed;
  mixed.api_server_endpoint = "1.2.3.4:6443";
  mixed.control_plane = true;
  auto err = resolve_join_config(mixed, std::string("/x.yaml"), "w", fixed_address);
  ASSERT_FALSE(err.has_value());
  EXPECT_NE(err.error().text().find("--api-server-endpoint, --control-plane"), std::string::npos)
      << err.error().text();
}

}  // namespace
}  // namespace kadm::config
