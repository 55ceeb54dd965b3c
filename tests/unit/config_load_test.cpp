#include <gtest/gtest.h>

#include <string>

#include "config/load.h"

namespace kadm::config {
namespace {

using namespace std::chrono_literals;

std::string data(const std::string& name) {
  return std::string(KADM_TEST_DATA_DIR) + "/config/" + name;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

struct BadCase {
  const char* name;
  const char* yaml;
  std::vector<std::string> expected;  // substrings of the error text
};

class BadDocuments : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadDocuments, FailWithAClearMessage) {
  const auto& c = GetParam();
  auto r = load_config_text(c.yaml, "cfg.yaml");
  ASSERT_FALSE(r.has_value()) << c.name;
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  for (const auto& e : c.expected)
    EXPECT_NE(r.error().text().find(e), std::string::npos)
        << c.name << ": " << r.error().text() << "\nmissing: " << e;
}

INSTANTIATE_TEST_SUITE_P(
    Load, BadDocuments,
    ::testing::Values(
        BadCase{"malformed",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: [InitConfiguration\n",
                {"cfg.yaml:", "malformed YAML"}},
        BadCase{
            "unknown_api_version",
            "apiVersion: kubeadm.k8s.io/v1beta1\nkind: InitConfiguration\n",
            {"cfg.yaml:1:", "unsupported apiVersion \"kubeadm.k8s.io/v1beta1\"",
             "kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta2", "kubelet.config.k8s.io/v1beta1"}},
        BadCase{"unknown_kind",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfig\n",
                {"unsupported kind \"InitConfig\"", "InitConfiguration, ClusterConfiguration"}},
        BadCase{"reset_in_v1beta3",
                "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ResetConfiguration\n",
                {"unsupported kind \"ResetConfiguration\""}},
        BadCase{"missing_kind",
                "apiVersion: kubeadm.k8s.io/v1beta4\nfoo: 1\n",
                {"without apiVersion or kind"}},
        BadCase{"wrong_int",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n"
                "  bindPort: abc\n",
                {"cfg.yaml:4:", "localAPIEndpoint.bindPort", "expected an integer", "\"abc\""}},
        BadCase{"map_for_list",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n"
                "  certSANs:\n    a: b\n",
                {"cfg.yaml:4:", "apiServer.certSANs", "expected a list"}},
        BadCase{"v1beta4_map_extra_args",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n"
                "  extraArgs:\n    v: \"4\"\n",
                {"cfg.yaml:4:", "apiServer.extraArgs", "{name, value}"}},
        BadCase{"v1beta3_list_extra_args",
                "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nscheduler:\n"
                "  extraArgs:\n  - name: v\n    value: \"4\"\n",
                {"scheduler.extraArgs", "map of flag names"}},
        BadCase{"bad_duration",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\ntimeouts:\n"
                "  discovery: soon\n",
                {"cfg.yaml:4:", "timeouts.discovery", "invalid duration"}},
        BadCase{"bad_bool",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\ndryRun: maybe\n",
                {"cfg.yaml:3:", "dryRun", "true or false"}},
        BadCase{"bad_algorithm",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: "
                "ClusterConfiguration\nencryptionAlgorithm: DSA\n",
                {"encryptionAlgorithm", "RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384"}},
        BadCase{"duplicate_kind",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\n"
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n",
                {"cfg.yaml:4:", "duplicate InitConfiguration"}},
        BadCase{"two_errors_at_once",
                "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n"
                "  bindPort: x\nnodeRegistration:\n  taints: oops\n",
                {"cfg.yaml:4:", "cfg.yaml:6:", "nodeRegistration.taints"}}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(ConfigLoad, UnknownFieldIsAWarningWithLineAndKind) {
  auto r = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n"
      "  podSubnets: 10.244.0.0/16\n",
      "cfg.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().text();
  ASSERT_EQ(r->warnings.size(), 1u);
  const auto& w = r->warnings[0];
  EXPECT_NE(w.find("cfg.yaml:4:"), std::string::npos) << w;
  EXPECT_NE(w.find("networking.podSubnets"), std::string::npos) << w;
  EXPECT_NE(w.find("ClusterConfiguration"), std::string::npos) << w;
  EXPECT_NE(w.find("did you mean \"podSubnet\""), std::string::npos) << w;
}

TEST(ConfigLoad, NewerFieldsInOlderVersionsAreUnknown) {
  auto r = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\ntimeouts:\n  discovery: 1m\n",
      "cfg.yaml");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(any_contains(r->warnings, "unknown field \"timeouts\""));
  EXPECT_EQ(r->init->timeouts.discovery, Duration{});
}

TEST(ConfigLoad, V1Beta4ListExtraArgsKeepOrder) {
  auto r = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n"
      "  - name: z\n    value: \"1\"\n  - name: a\n    value: \"2\"\n",
      "cfg.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().text();
  ASSERT_TRUE(r->has_cluster_config);
  EXPECT_FALSE(r->has_init_config);
  EXPECT_EQ(r->init->cluster.api_server.extra_args, (std::vector<Arg>{{"z", "1"}, {"a", "2"}}));
}

TEST(ConfigLoad, V1Beta3MapExtraArgsAreSorted) {
  auto r = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\ncontrollerManager:\n"
      "  extraArgs:\n    z: \"1\"\n    a: \"2\"\n",
      "cfg.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(r->version, ApiVersion::V1Beta3);
  EXPECT_EQ(r->init->cluster.controller_manager.extra_args,
            (std::vector<Arg>{{"a", "2"}, {"z", "1"}}));
}

TEST(ConfigLoad, SeedEraV1Beta2Config) {
  auto r = load_config_file(data("seed_v1beta2.yaml"));
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(r->version, ApiVersion::V1Beta2);
  ASSERT_TRUE(r->init);
  const auto& init = *r->init;
  ASSERT_EQ(init.bootstrap_tokens.size(), 1u);
  EXPECT_EQ(init.bootstrap_tokens[0].token, "9a08jv.c0izixklcxtmnze7");
  EXPECT_EQ(init.bootstrap_tokens[0].ttl, Duration{24h});
  EXPECT_EQ(init.local_api_endpoint.advertise_address, "192.168.0.10");
  EXPECT_EQ(init.local_api_endpoint.bind_port, 6443);
  ASSERT_TRUE(init.node_registration.taints);
  EXPECT_EQ(init.node_registration.taints->at(0).key, "node-role.kubernetes.io/master");
  EXPECT_EQ(init.node_registration.kubelet_extra_args,
            (std::vector<Arg>{{"cgroup-driver", "systemd"}, {"node-ip", "192.168.0.10"}}));
  EXPECT_EQ(init.cluster.kubernetes_version, "v1.20.9");
  EXPECT_EQ(init.cluster.networking.pod_subnet, "10.244.0.0/16");
  EXPECT_EQ(init.cluster.api_server.cert_sans,
            (std::vector<std::string>{"192.168.0.10", "k8s.example.com"}));
  EXPECT_EQ(init.cluster.api_server.extra_args,
            (std::vector<Arg>{{"audit-log-maxage", "30"}, {"authorization-mode", "Node,RBAC"}}));
  // timeoutForControlPlane moved into the v1beta4 Timeouts.
  EXPECT_EQ(init.timeouts.control_plane_component_health_check, Duration{3min});
  EXPECT_NE(r->kubelet_config_yaml.find("cgroupDriver: systemd"), std::string::npos);
  EXPECT_NE(r->kube_proxy_config_yaml.find("mode: ipvs"), std::string::npos);
  EXPECT_TRUE(any_contains(r->warnings, "dns.type"));
  EXPECT_TRUE(any_contains(r->warnings, "useHyperKubeImage"));
  EXPECT_TRUE(any_contains(r->warnings, "ClusterStatus"));
}

TEST(ConfigLoad, V1Beta3JoinMapsDiscoveryTimeout) {
  auto r = load_config_file(data("join_v1beta3.yaml"));
  ASSERT_TRUE(r.has_value()) << r.error().text();
  ASSERT_TRUE(r->join);
  EXPECT_FALSE(r->init);
  EXPECT_EQ(r->join->timeouts.discovery, Duration{7min});
  ASSERT_TRUE(r->join->discovery.bootstrap_token);
  EXPECT_EQ(r->join->discovery.bootstrap_token->api_server_endpoint, "192.168.0.10:6443");
  EXPECT_EQ(r->join->skip_phases, std::vector<std::string>{"preflight"});
  EXPECT_TRUE(r->warnings.empty());
}

TEST(ConfigLoad, ResetConfigurationFields) {
  auto r = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\nforce: true\n"
      "unmountFlags: [MNT_FORCE]\ntimeouts:\n  etcdAPICall: 30s\n",
      "r.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().text();
  ASSERT_TRUE(r->reset);
  EXPECT_TRUE(r->reset->force);
  EXPECT_EQ(r->reset->unmount_flags, std::vector<std::string>{"MNT_FORCE"});
  EXPECT_EQ(r->reset->timeouts.etcd_api_call, Duration{30s});
}

TEST(ConfigLoad, TaintsNullVersusEmpty) {
  auto null_taints = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  taints: "
      "null\n",
      "a");
  auto empty_taints = load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  taints: "
      "[]\n",
      "b");
  ASSERT_TRUE(null_taints && empty_taints);
  EXPECT_FALSE(null_taints->init->node_registration.taints.has_value());
  ASSERT_TRUE(empty_taints->init->node_registration.taints.has_value());
  EXPECT_TRUE(empty_taints->init->node_registration.taints->empty());
}

TEST(ConfigLoad, MissingFileIsNotFound) {
  auto r = load_config_file("/nonexistent/kadm.yaml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
}

}  // namespace
}  // namespace kadm::config
