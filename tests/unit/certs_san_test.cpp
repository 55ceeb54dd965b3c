#include <gtest/gtest.h>

#include <sstream>

#include "certs/alt_names.h"
#include "common/net.h"
#include "lib/log_capture.h"

using namespace kadm;

namespace {

config::InitConfiguration base_config() {
  config::InitConfiguration cfg;
  cfg.node_registration.name = "cp1";
  cfg.local_api_endpoint.advertise_address = "192.168.8.201";
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.networking.dns_domain = "cluster.local";
  return cfg;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(ApiserverSans, SpecExampleWithCertSans) {
  auto cfg = base_config();
  cfg.cluster.api_server.cert_sans = {"192.168.8.205", "kubernetes", "cp1"};
  auto names = certs::apiserver_alt_names(cfg, "apiserver.crt");
  ASSERT_TRUE(names) << names.error().text();
  EXPECT_EQ(names->dns,
            (Strings{"cp1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                     "kubernetes.default.svc.cluster.local"}));
  EXPECT_EQ(names->ips, (Strings{"10.96.0.1", "192.168.8.201", "192.168.8.205"}));
}

struct EndpointCase {
  std::string endpoint;
  Strings extra_dns;
  Strings ips;
};

class ControlPlaneEndpointSans : public ::testing::TestWithParam<EndpointCase> {};

TEST_P(ControlPlaneEndpointSans, HostGoesToTheRightList) {
  auto cfg = base_config();
  cfg.cluster.control_plane_endpoint = GetParam().endpoint;
  auto names = certs::apiserver_alt_names(cfg, "apiserver.crt");
  ASSERT_TRUE(names) << names.error().text();
  for (const auto& d : GetParam().extra_dns) {
    EXPECT_NE(std::find(names->dns.begin(), names->dns.end(), d), names->dns.end()) << d;
  }
  EXPECT_TRUE(std::is_sorted(names->dns.begin(), names->dns.end()));
  EXPECT_EQ(names->ips, GetParam().ips);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ControlPlaneEndpointSans,
    ::testing::Values(
        EndpointCase{"lb.example.test", {"lb.example.test"}, {"10.96.0.1", "192.168.8.201"}},
        EndpointCase{"lb.example.test:8443", {"lb.example.test"}, {"10.96.0.1", "192.168.8.201"}},
        EndpointCase{"10.0.0.5:6443", {}, {"10.96.0.1", "192.168.8.201", "10.0.0.5"}},
        EndpointCase{"192.168.8.201", {}, {"10.96.0.1", "192.168.8.201"}},
        EndpointCase{"[fd00::10]:6443", {}, {"10.96.0.1", "192.168.8.201", "fd00::10"}},
        EndpointCase{"fd00:0::10", {}, {"10.96.0.1", "192.168.8.201", "fd00::10"}}));

TEST(ApiserverSans, BadControlPlaneEndpointIsAnError) {
  auto cfg = base_config();
  for (const char* bad : {"lb:port", "lb:0", "[fd00::1", "Bad_Host"}) {
    cfg.cluster.control_plane_endpoint = bad;
    EXPECT_FALSE(certs::apiserver_alt_names(cfg, "apiserver.crt")) << bad;
  }
}

TEST(ApiserverSans, BadAdvertiseAddressIsAnError) {
  auto cfg = base_config();
  cfg.local_api_endpoint.advertise_address = "not-an-ip";
  auto r = certs::apiserver_alt_names(cfg, "apiserver.crt");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("error parsing LocalAPIEndpoint AdvertiseAddress"),
            std::string::npos);
}

TEST(ApiserverSans, DualStackUsesFirstServiceCidrAndCustomDomain) {
  auto cfg = base_config();
  cfg.cluster.networking.service_subnet = "fd00:10:96::/112,10.0.0.0/14";
  cfg.cluster.networking.dns_domain = "corp.internal";
  auto names = certs::apiserver_alt_names(cfg, "apiserver.crt");
  ASSERT_TRUE(names);
  EXPECT_EQ(names->ips.front(), "fd00:10:96::1");
  EXPECT_NE(std::find(names->dns.begin(), names->dns.end(), "kubernetes.default.svc.corp.internal"),
            names->dns.end());
}

TEST(ApiserverSans, InvalidCertSanIsSkippedWithWarning) {
  test::LogCapture out;
  auto cfg = base_config();
  cfg.cluster.api_server.cert_sans = {"*.apps.example.test", "under_score", "2001:db8::1",
                                      "2001:DB8:0::1"};
  auto names = certs::apiserver_alt_names(cfg, "apiserver.crt");
  ASSERT_TRUE(names);
  EXPECT_NE(std::find(names->dns.begin(), names->dns.end(), "*.apps.example.test"),
            names->dns.end());
  EXPECT_EQ(std::find(names->dns.begin(), names->dns.end(), "under_score"), names->dns.end());
  // Same IPv6 address in two spellings appears once.
  EXPECT_EQ(std::count(names->ips.begin(), names->ips.end(), "2001:db8::1"), 1);
  EXPECT_NE(out.str().find("[certificates] WARNING: 'under_score' was not added to the "
                           "'apiserver.crt' SAN, because it is not a valid IP or RFC-1123 "
                           "compliant DNS entry"),
            std::string::npos)
      << out.str();
}

TEST(EtcdSans, ServerAndPeerFollowSpec) {
  auto cfg = base_config();
  cfg.cluster.etcd.local = config::LocalEtcd{};
  cfg.cluster.etcd.local->server_cert_sans = {"etcd.example.test", "10.1.1.1"};
  cfg.cluster.etcd.local->peer_cert_sans = {"127.0.0.1"};
  auto server = certs::etcd_server_alt_names(cfg, "etcd/server.crt");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->dns, (Strings{"cp1", "etcd.example.test", "localhost"}));
  EXPECT_EQ(server->ips, (Strings{"192.168.8.201", "127.0.0.1", "::1", "10.1.1.1"}));
  auto peer = certs::etcd_peer_alt_names(cfg, "etcd/peer.crt");
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->dns, (Strings{"cp1", "localhost"}));
  EXPECT_EQ(peer->ips, (Strings{"192.168.8.201", "127.0.0.1", "::1"}));
}

TEST(Net, CidrIndexAndUrls) {
  EXPECT_EQ(*net::nth_ip("10.96.0.0/12", 1), "10.96.0.1");
  EXPECT_EQ(*net::nth_ip("10.96.0.0/12", 10), "10.96.0.10");
  EXPECT_EQ(*net::nth_ip("10.0.0.0/14", 10), "10.0.0.10");
  EXPECT_EQ(*net::nth_ip("10.96.3.7/12", 1), "10.96.0.1");
  EXPECT_EQ(*net::nth_ip("10.0.0.255/31", 1), "10.0.0.255");
  EXPECT_FALSE(net::nth_ip("10.96.0.0", 1));
  EXPECT_FALSE(net::nth_ip("10.96.0.0/33", 1));
  EXPECT_EQ(net::https_url("fd00::1", 6443), "https://[fd00::1]:6443");
  EXPECT_EQ(net::https_url("10.0.0.1", 6443), "https://10.0.0.1:6443");
  EXPECT_EQ(net::join_host_port("::1", 2379), "[::1]:2379");
  EXPECT_EQ(net::join_host_port("cp.example", 2379), "cp.example:2379");
}
