// ExternalEtcdVersion with a fake fetcher (no network, no sleeping), the real libcurl fetcher
// against a loopback HTTP server, and the check lists of init and control-plane join that depend
// on the cluster's etcd.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "lib/fixture_host.h"
#include "lib/http_test_server.h"
#include "lib/temp_dir.h"
#include "preflight/check_sets.h"
#include "preflight/control_plane_join_ready.h"
#include "preflight/external_etcd_version.h"
#include "preflight/preflight.h"

using namespace kadm;
using namespace kadm::preflight;

namespace {

config::KubeVersion v(int minor, int patch = 0) { return config::KubeVersion{1, minor, patch, ""}; }

struct Call {
  std::string endpoint;
  EtcdClientTls tls;
  Duration timeout;
};

// Answers from a script, one entry per call (the last repeats); records calls and sleeps.
struct FakeEtcd {
  explicit FakeEtcd(std::vector<Result<EtcdVersionAnswer>> answers) : script(std::move(answers)) {}
  std::vector<Result<EtcdVersionAnswer>> script;
  std::vector<Call> calls;
  std::vector<Duration> sleeps;

  ExternalEtcdVersionOptions options() {
    ExternalEtcdVersionOptions o;
    o.fetch = [this](const std::string& endpoint, const EtcdClientTls& tls, Duration timeout) {
      calls.push_back({endpoint, tls, timeout});
      size_t i = std::min(calls.size() - 1, script.size() - 1);
      return script[i];
    };
    o.sleep = [this](Duration d) { sleeps.push_back(d); };
    return o;
  }
};

Result<EtcdVersionAnswer> version_body(const std::string& server) {
  return EtcdVersionAnswer{200, R"({"etcdserver":")" + server + R"(","etcdcluster":"3.5.0"})"};
}

struct Fixture {
  test::TempDir dir;
  test::FixtureHost host{dir.path()};
  config::ExternalEtcd etcd{
      {"https://10.0.0.9:2379"}, "/etc/etcd/ca.crt", "/etc/etcd/c.crt", "/etc/etcd/c.key"};
  Fixture() {
    host.write("/etc/etcd/ca.crt", "CA PEM");
    host.write("/etc/etcd/c.crt", "CERT PEM");
    host.write("/etc/etcd/c.key", "KEY PEM");
  }
};

std::vector<std::string> names(const std::vector<Check>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) out.push_back(c.name);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(MinExternalEtcdVersion, PerTargetMinor) {
  EXPECT_EQ(min_external_etcd_version(v(20, 9)), "3.2.18");
  EXPECT_EQ(min_external_etcd_version(v(30)), "3.2.18");
  EXPECT_EQ(min_external_etcd_version(v(31)), "3.5.11-0");
  EXPECT_EQ(min_external_etcd_version(v(37, 2)), "3.5.24-0");
}

TEST(ExternalEtcdVersion, NewEnoughPassesWithTheConfiguredTls) {
  Fixture fx;
  FakeEtcd fake{{version_body("3.7.0")}};
  auto check = external_etcd_version(fx.etcd, v(37), fake.options());
  EXPECT_EQ(check.name, "ExternalEtcdVersion");
  auto f = check.run(fx.host);
  EXPECT_TRUE(f.ok()) << (f.errors.empty() ? "" : f.errors[0]);
  ASSERT_EQ(fake.calls.size(), 1u);
  EXPECT_EQ(fake.calls[0].endpoint, "https://10.0.0.9:2379");
  EXPECT_EQ(fake.calls[0].tls.ca_pem, "CA PEM");
  EXPECT_EQ(fake.calls[0].tls.cert_pem, "CERT PEM");
  EXPECT_EQ(fake.calls[0].tls.key_pem, "KEY PEM");
  EXPECT_EQ(fake.calls[0].timeout, Duration{10000});
  EXPECT_TRUE(fake.sleeps.empty());
}

TEST(ExternalEtcdVersion, ImageSuffixOfTheMinimumDoesNotRefuseThatRelease) {
  Fixture fx;
  FakeEtcd fake{{version_body("3.5.24")}};
  EXPECT_TRUE(external_etcd_version(fx.etcd, v(37), fake.options()).run(fx.host).ok());
}

TEST(ExternalEtcdVersion, TooOldIsAnErrorNamingEndpointAndMinimum) {
  Fixture fx;
  FakeEtcd fake{{version_body("3.4.30")}};
  auto f = external_etcd_version(fx.etcd, v(37), fake.options()).run(fx.host);
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].find("https://10.0.0.9:2379"), std::string::npos) << f.errors[0];
  EXPECT_NE(f.errors[0].find("3.4.30"), std::string::npos) << f.errors[0];
  EXPECT_NE(f.errors[0].find(">= 3.5.24-0"), std::string::npos) << f.errors[0];
  EXPECT_NE(f.errors[0].find("upgrade the etcd cluster"), std::string::npos) << f.errors[0];
  // The same server is fine for a v1.20 cluster.
  FakeEtcd old{{version_body("3.4.30")}};
  EXPECT_TRUE(external_etcd_version(fx.etcd, v(20, 9), old.options()).run(fx.host).ok());
}

TEST(ExternalEtcdVersion, UnreachableAfterRetriesFiveSecondsApart) {
  Fixture fx;
  FakeEtcd fake{{fail(ErrorKind::Api, "connection refused")}};
  auto f = external_etcd_version(fx.etcd, v(37), fake.options()).run(fx.host);
  EXPECT_EQ(fake.calls.size(), 4u);  // kubeadm: one attempt and 3 retries
  EXPECT_EQ(fake.sleeps, (std::vector<Duration>(3, Duration{5000})));
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].find("cannot read the version of external etcd https://10.0.0.9:2379"),
            std::string::npos)
      << f.errors[0];
  EXPECT_NE(f.errors[0].find("4 attempts"), std::string::npos) << f.errors[0];
  EXPECT_NE(f.errors[0].find("connection refused"), std::string::npos) << f.errors[0];
}

TEST(ExternalEtcdVersion, ServerErrorIsRetriedThenSucceeds) {
  Fixture fx;
  FakeEtcd fake{{EtcdVersionAnswer{503, "busy"}, version_body("3.6.1")}};
  EXPECT_TRUE(external_etcd_version(fx.etcd, v(37), fake.options()).run(fx.host).ok());
  EXPECT_EQ(fake.calls.size(), 2u);
  EXPECT_EQ(fake.sleeps.size(), 1u);
}

TEST(ExternalEtcdVersion, MalformedAnswersAreErrorsWithoutRetry) {
  Fixture fx;
  for (std::string body :
       {"<html>not etcd</html>", R"({"etcdcluster":"3.5.0"})", R"({"etcdserver":"banana"})"}) {
    FakeEtcd fake{{EtcdVersionAnswer{200, body}}};
    auto f = external_etcd_version(fx.etcd, v(37), fake.options()).run(fx.host);
    ASSERT_EQ(f.errors.size(), 1u) << body;
    EXPECT_NE(f.errors[0].find("https://10.0.0.9:2379"), std::string::npos) << f.errors[0];
    EXPECT_EQ(fake.calls.size(), 1u) << body;
  }
  FakeEtcd not_found{{EtcdVersionAnswer{404, "404 page not found"}}};
  auto f = external_etcd_version(fx.etcd, v(37), not_found.options()).run(fx.host);
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].find("HTTP 404"), std::string::npos) << f.errors[0];
}

TEST(ExternalEtcdVersion, EveryEndpointIsAskedAndPlainHttpNeedsNoFiles) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());  // no TLS files at all
  config::ExternalEtcd etcd{{"http://10.0.0.1:2379", "http://10.0.0.2:2379"}, "", "", ""};
  FakeEtcd fake{{version_body("3.5.30"), version_body("3.3.0")}};
  auto f = external_etcd_version(etcd, v(37), fake.options()).run(host);
  ASSERT_EQ(fake.calls.size(), 2u);
  EXPECT_EQ(fake.calls[1].endpoint, "http://10.0.0.2:2379");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].find("http://10.0.0.2:2379 runs version 3.3.0"), std::string::npos)
      << f.errors[0];
}

TEST(ExternalEtcdVersion, UnreadableTlsFileAndBadEndpointAreReported) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  config::ExternalEtcd etcd{{"https://10.0.0.1:2379", "10.0.0.2:2379"}, "/etc/etcd/ca.crt", "", ""};
  FakeEtcd fake{{version_body("3.7.0")}};
  auto f = external_etcd_version(etcd, v(37), fake.options()).run(host);
  EXPECT_TRUE(fake.calls.empty());
  ASSERT_EQ(f.errors.size(), 2u);
  EXPECT_NE(f.errors[0].find("/etc/etcd/ca.crt"), std::string::npos) << f.errors[0];
  EXPECT_NE(f.errors[1].find("not an http:// or https:// URL"), std::string::npos) << f.errors[1];
}

TEST(ExternalEtcdVersion, CurlFetcherReadsVersionOverHttp) {
  test::HttpTestServer server([](const test::HttpRequest& r) {
    if (r.path != "/version") return test::HttpResponse::json(404, "{}");
    return test::HttpResponse::json(200, R"({"etcdserver":"3.4.30","etcdcluster":"3.4.0"})");
  });
  auto got = fetch_etcd_version(server.url(), {}, Duration{5000});
  ASSERT_TRUE(got) << got.error().text();
  EXPECT_EQ(got->status, 200);
  EXPECT_NE(got->body.find("3.4.30"), std::string::npos);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  // Nothing listens on port 1: an error, not an answer.
  EXPECT_FALSE(fetch_etcd_version("http://127.0.0.1:1", {}, Duration{2000}));
}

TEST(CheckSets, InitWithExternalEtcdChecksItsVersion) {
  config::InitConfiguration cfg;
  cfg.cluster.etcd.external = config::ExternalEtcd{{"https://e:2379"}, "/ca", "/c", "/k"};
  auto n = names(init_checks(cfg, v(37)));
  EXPECT_TRUE(has(n, "ExternalEtcdVersion"));
  EXPECT_TRUE(has(n, "ExternalEtcdClientCertificates"));
  EXPECT_FALSE(has(n, "Port-2379"));
  EXPECT_FALSE(has(n, "DirAvailable--var-lib-etcd"));
}

TEST(CheckSets, ControlPlaneJoinUsesTheClusterConfiguration) {
  config::JoinConfiguration join;
  join.discovery.bootstrap_token = config::BootstrapTokenDiscovery{"t", "10.0.0.1:6443", {}, false};
  join.control_plane = config::JoinControlPlane{{"10.0.0.2", 7443}, ""};

  // The node part alone never has control-plane checks.
  auto node = names(join_node_checks(join, v(37)));
  EXPECT_TRUE(has(node, "Port-10250"));
  EXPECT_FALSE(has(node, "Port-7443"));
  EXPECT_FALSE(has(node, "Port-2379"));

  // Local etcd with a custom data dir; the API server port from this join's endpoint.
  config::ClusterConfiguration local;
  local.etcd.local = config::LocalEtcd{};
  local.etcd.local->data_dir = "/srv/etcd-data";
  auto with_local = names(join_checks(join, v(37), &local));
  for (auto want : {"Port-7443", "Port-2379", "Port-2380", "DirAvailable--srv-etcd-data",
                    "FileAvailable--etc-kubernetes-manifests-etcd.yaml"}) {
    EXPECT_TRUE(has(with_local, want)) << want;
  }
  EXPECT_FALSE(has(with_local, "Port-6443"));
  EXPECT_FALSE(has(with_local, "DirAvailable--var-lib-etcd"));

  // External etcd: the client files (they are already on disk without --certificate-key), but
  // never the version check, which only the first control plane runs (kubeadm).
  config::ClusterConfiguration external;
  external.etcd.external = config::ExternalEtcd{{"https://e:2379"}, "/ca", "/c", "/k"};
  auto with_external = names(join_checks(join, v(37), &external));
  EXPECT_TRUE(has(with_external, "ExternalEtcdClientCertificates"));
  EXPECT_FALSE(has(with_external, "ExternalEtcdVersion"));
  EXPECT_FALSE(has(with_external, "Port-2379"));
  EXPECT_FALSE(has(with_external, "DirAvailable--var-lib-etcd"));

  // With --certificate-key the client files come from kubeadm-certs later.
  join.control_plane->certificate_key = std::string(64, 'a');
  auto downloading = names(join_checks(join, v(37), &external));
  EXPECT_FALSE(has(downloading, "ExternalEtcdClientCertificates"));
}

TEST(CheckSets, SecondaryChecksSkipTheNodeChecks) {
  config::InitConfiguration node;
  node.local_api_endpoint = {"10.0.0.2", 6443};
  auto n = names(secondary_control_plane_checks(node, v(37)));
  EXPECT_FALSE(has(n, "IsPrivilegedUser"));
  EXPECT_FALSE(has(n, "Swap"));
  EXPECT_FALSE(has(n, "Port-10250"));
  EXPECT_TRUE(has(n, "Port-6443"));
  EXPECT_TRUE(has(n, "Port-2379"));
  EXPECT_TRUE(has(n, "DirAvailable--var-lib-etcd"));
}

TEST(ControlPlaneJoinPreflight, SecondaryRunHasKubeadmHeadingAndRefusesBusyEtcdPort) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  host.busy_ports.insert(2379);
  host.write("/var/lib/etcd/member/wal", "x");
  config::InitConfiguration node;
  node.local_api_endpoint = {"10.0.0.2", 6443};
  plan::RecordingEffects effects;
  std::ostringstream out;
  PreflightOptions o;
  o.out = &out;
  o.ignore_errors = {"NumCPU,Mem,SomethingUnknown"};
  auto outcome = preflight_control_plane_join(node, false, host, effects, o);
  ASSERT_FALSE(outcome.status);
  EXPECT_EQ(outcome.status.error().kind(), ErrorKind::Preflight);
  auto text = out.str();
  EXPECT_EQ(text.rfind("[preflight] Running pre-flight checks before initializing the new control "
                       "plane instance\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("[ERROR Port-2379]: Port 2379 is in use"), std::string::npos) << text;
  EXPECT_NE(text.find("[ERROR DirAvailable--var-lib-etcd]: /var/lib/etcd is not empty"),
            std::string::npos)
      << text;
  // The node run already warned about the unknown name; the second run does not repeat it.
  EXPECT_EQ(text.find("SomethingUnknown"), std::string::npos) << text;
}

TEST(ControlPlaneJoinPreflight, ReadinessNeedsEndpointAndSharedFilesWithoutCertificateKey) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  config::ClusterConfiguration cluster;
  cluster.certificates_dir = "/etc/kubernetes/pki";
  auto both = ready_for_control_plane_join(cluster, false, host);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().kind(), ErrorKind::Validation);
  EXPECT_NE(both.error().text().find("no controlPlaneEndpoint"), std::string::npos);
  EXPECT_NE(both.error().text().find("/etc/kubernetes/pki/sa.key"), std::string::npos);
  EXPECT_NE(both.error().text().find("/etc/kubernetes/pki/etcd/ca.key"), std::string::npos);

  cluster.control_plane_endpoint = "cp.example:6443";
  EXPECT_TRUE(ready_for_control_plane_join(cluster, /*download_certs=*/true, host));
  for (auto f : {"ca.crt", "ca.key", "sa.key", "sa.pub", "front-proxy-ca.crt", "front-proxy-ca.key",
                 "etcd/ca.crt"}) {
    host.write(std::string("/etc/kubernetes/pki/") + f, "x");
  }
  EXPECT_EQ(missing_shared_certificates(cluster, host),
            std::vector<std::string>{"/etc/kubernetes/pki/etcd/ca.key"});
  cluster.etcd.external = config::ExternalEtcd{{"https://e:2379"}, "", "", ""};
  EXPECT_TRUE(ready_for_control_plane_join(cluster, false, host));
}
