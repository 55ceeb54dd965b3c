#include <gtest/gtest.h>

#include "config/advertise_address.h"
#include "config/defaults.h"

namespace kadm::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigDefaults, InitStaticDefaults) {
  InitConfiguration cfg;
  set_init_defaults(cfg);
  const auto& c = cfg.cluster;
  EXPECT_EQ(c.networking.service_subnet, "10.96.0.0/12");
  EXPECT_EQ(c.networking.dns_domain, "cluster.local");
  EXPECT_TRUE(c.networking.pod_subnet.empty());
  EXPECT_EQ(c.certificates_dir, "/etc/kubernetes/pki");
  EXPECT_EQ(c.image_repository, default_image_repository());
  EXPECT_FALSE(c.image_repository.empty());
  EXPECT_EQ(c.cluster_name, "kubernetes");
  EXPECT_EQ(c.kubernetes_version, "v1.37.2");
  EXPECT_EQ(c.encryption_algorithm, EncryptionAlgorithm::RSA2048);
  EXPECT_EQ(c.certificate_validity_period, Duration{8760h});
  EXPECT_EQ(c.ca_certificate_validity_period, Duration{87600h});
  ASSERT_TRUE(c.etcd.local);
  EXPECT_EQ(c.etcd.local->data_dir, "/var/lib/etcd");
  EXPECT_EQ(cfg.local_api_endpoint.bind_port, 6443);
  EXPECT_EQ(cfg.node_registration.image_pull_policy, "IfNotPresent");
  EXPECT_TRUE(cfg.node_registration.image_pull_serial);
  EXPECT_EQ(cfg.node_registration.cri_socket, "unix:///var/run/containerd/containerd.sock");
  ASSERT_EQ(cfg.bootstrap_tokens.size(), 1u);
  const auto& t = cfg.bootstrap_tokens[0];
  EXPECT_TRUE(t.token.empty());  // generated later
  EXPECT_EQ(t.ttl, Duration{24h});
  EXPECT_EQ(t.usages, (std::vector<std::string>{"signing", "authentication"}));
  EXPECT_EQ(t.groups, std::vector<std::string>{"system:bootstrappers:kubeadm:default-node-token"});
  EXPECT_EQ(cfg.timeouts.control_plane_component_health_check, Duration{4min});
  EXPECT_EQ(cfg.timeouts.kubelet_health_check, Duration{4min});
  EXPECT_EQ(cfg.timeouts.kubernetes_api_call, Duration{1min});
  EXPECT_EQ(cfg.timeouts.etcd_api_call, Duration{2min});
  EXPECT_EQ(cfg.timeouts.tls_bootstrap, Duration{5min});
  EXPECT_EQ(cfg.timeouts.discovery, Duration{5min});
  EXPECT_EQ(cfg.timeouts.upgrade_manifests, Duration{5min});
  EXPECT_FALSE(cfg.node_registration.taints.has_value());
}

TEST(ConfigDefaults, KeepsWhatIsSet) {
  InitConfiguration cfg;
  cfg.cluster.networking.service_subnet = "10.0.0.0/16";
  cfg.cluster.etcd.external = ExternalEtcd{{"https://e:2379"}, "", "", ""};
  cfg.timeouts.discovery = 1min;
  cfg.bootstrap_tokens.push_back({});
  cfg.bootstrap_tokens[0].expires = std::chrono::system_clock::time_point{};
  set_init_defaults(cfg);
  EXPECT_EQ(cfg.cluster.networking.service_subnet, "10.0.0.0/16");
  EXPECT_FALSE(cfg.cluster.etcd.local);
  EXPECT_EQ(cfg.timeouts.discovery, Duration{1min});
  EXPECT_FALSE(cfg.bootstrap_tokens[0].ttl);  // expires given: no TTL added
}

TEST(ConfigDefaults, InitDynamicDefaults) {
  InitConfiguration cfg;
  cfg.cluster.kubernetes_version = "stable-1";
  set_init_defaults(cfg);
  int calls = 0;
  auto st = set_init_dynamic_defaults(cfg, "My-Host", [&]() -> Result<std::string> {
    ++calls;
    return std::string("192.0.2.7");
  });
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(cfg.node_registration.name, "my-host");
  EXPECT_EQ(cfg.local_api_endpoint.advertise_address, "192.0.2.7");
  EXPECT_EQ(cfg.cluster.kubernetes_version, default_kubernetes_version());
  ASSERT_TRUE(cfg.node_registration.taints);
  EXPECT_EQ(cfg.node_registration.taints->at(0).key, "node-role.kubernetes.io/control-plane");
  EXPECT_EQ(calls, 1);

  InitConfiguration given;
  given.local_api_endpoint.advertise_address = "10.1.1.1";
  ASSERT_TRUE(set_init_dynamic_defaults(given, "h", [&]() -> Result<std::string> {
    ++calls;
    return fail("must not be called");
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(given.local_api_endpoint.advertise_address, "10.1.1.1");
}

// The seed guide's v1.20.9 control plane is tainted "master", as kubeadm v1.20 does.
TEST(ConfigDefaults, DefaultTaintFollowsTheTargetVersion) {
  auto keys_for = [](const char* version) {
    InitConfiguration cfg;
    cfg.cluster.kubernetes_version = version;
    cfg.local_api_endpoint.advertise_address = "10.1.1.1";
    EXPECT_TRUE(set_init_dynamic_defaults(cfg, "h", [] { return Result<std::string>("x"); }));
    std::vector<std::string> keys;
    for (const auto& t : *cfg.node_registration.taints) {
      EXPECT_EQ(t.effect, "NoSchedule");
      keys.push_back(t.key);
    }
    return keys;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys_for("v1.20.9"), V{"node-role.kubernetes.io/master"});
  EXPECT_EQ(keys_for("v1.24.0"),
            (V{"node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"}));
  EXPECT_EQ(keys_for("v1.37.2"), V{"node-role.kubernetes.io/control-plane"});
}

TEST(ConfigDefaults, DetectorFailureIsReported) {
  InitConfiguration cfg;
  auto st = set_init_dynamic_defaults(
      cfg, "h", []() -> Result<std::string> { return fail(ErrorKind::Validation, "no address"); });
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().text().find("no address"), std::string::npos);
}

TEST(ConfigDefaults, JoinDefaults) {
  JoinConfiguration cfg;
  cfg.discovery.bootstrap_token =
      BootstrapTokenDiscovery{"abcdef.0123456789abcdef", "1.2.3.4:6443", {}, true};
  set_join_defaults(cfg);
  EXPECT_EQ(cfg.ca_cert_path, "/etc/kubernetes/pki/ca.crt");
  EXPECT_EQ(cfg.discovery.tls_bootstrap_token, "abcdef.0123456789abcdef");
  EXPECT_EQ(cfg.timeouts.discovery, Duration{5min});

  JoinConfiguration file;
  file.discovery.file = FileDiscovery{"file:///etc/kubernetes/discovery.conf"};
  file.control_plane.emplace();
  set_join_defaults(file);
  EXPECT_EQ(file.discovery.file->kube_config_path, "/etc/kubernetes/discovery.conf");
  EXPECT_EQ(file.control_plane->local_api_endpoint.bind_port, 6443);
  EXPECT_TRUE(file.discovery.tls_bootstrap_token.empty());
}

TEST(AdvertiseAddress, DefaultRouteInterface) {
  const std::string route =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth1\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
      "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
  EXPECT_EQ(default_route_interface(route), "eth0");
  EXPECT_EQ(default_route_interface("Iface\tDestination\n"), "");
}

TEST(AdvertiseAddress, PrefersDefaultRouteInterface) {
  HostNetwork net;
  net.default_route_interface = "eth1";
  net.addresses = {{"lo", "127.0.0.1", false, true, false},
                   {"eth0", "10.0.0.5", false, false, false},
                   {"eth1", "fe80::1", true, false, true},
                   {"eth1", "192.168.1.20", false, false, false}};
  EXPECT_EQ(choose_advertise_address(net).value(), "192.168.1.20");
  net.default_route_interface = "";
  EXPECT_EQ(choose_advertise_address(net).value(), "10.0.0.5");
  net.addresses = {{"lo", "127.0.0.1", false, true, false},
                   {"eth0", "2001:db8::5", true, false, false}};
  EXPECT_EQ(choose_advertise_address(net).value(), "2001:db8::5");
  net.addresses = {{"lo", "127.0.0.1", false, true, false}, {"lo", "::1", true, true, false}};
  auto none = choose_advertise_address(net);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().kind(), ErrorKind::Validation);
}

}  // namespace
}  // namespace kadm::config
