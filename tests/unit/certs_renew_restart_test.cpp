// `kadm certs renew` taking effect (src/certs/renew_restart.h): the table of which static pods
// read each renewable certificate, the restart order, kubeadm's hint for --restart=false, the
// kubelet's node name from kubelet.conf, and the restarts against a fake node whose components
// load their serving certificates when they start.
#include <gtest/gtest.h>

#include "certs/cert_table.h"
#include "certs/keys.h"
#include "certs/x509.h"
#include "common/fs.h"
#include "config/defaults.h"
#include "lib/fake_static_pod_node.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "renewal/expiration.h"
#include "renewal/renew_restart.h"

using namespace kadm;

namespace {

TEST(RenewRestartTable, EachRenewableNameMapsToTheStaticPodsThatReadIt) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(renewal::components_reading("apiserver"), V{"kube-apiserver"});
  EXPECT_EQ(renewal::components_reading("apiserver-kubelet-client"), V{"kube-apiserver"});
  EXPECT_EQ(renewal::components_reading("front-proxy-client"), V{"kube-apiserver"});
  EXPECT_EQ(renewal::components_reading("apiserver-etcd-client"), V{"kube-apiserver"});
  EXPECT_EQ(renewal::components_reading("etcd-server"), V{"etcd"});
  EXPECT_EQ(renewal::components_reading("etcd-peer"), V{"etcd"});
  EXPECT_EQ(renewal::components_reading("controller-manager.conf"), V{"kube-controller-manager"});
  EXPECT_EQ(renewal::components_reading("scheduler.conf"), V{"kube-scheduler"});
  EXPECT_TRUE(renewal::components_reading("admin.conf").empty());
  EXPECT_TRUE(renewal::components_reading("super-admin.conf").empty());
  EXPECT_TRUE(renewal::components_reading("etcd-healthcheck-client").empty());
  EXPECT_TRUE(renewal::components_reading("no-such-thing").empty());
}

TEST(RenewRestartTable, EveryNameRenewCanRenewIsInTheTable) {
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  for (const auto& name : renewal::renewable_names(cfg)) {
    const bool known = name == "admin.conf" || name == "super-admin.conf" ||
                       name == "etcd-healthcheck-client" ||
                       !renewal::components_reading(name).empty();
    EXPECT_TRUE(known) << name << " has no row: who reads it after a renewal?";
  }
}

TEST(RenewRestartTable, ComponentsAreRestartedOnceEachInKubeadmsOrder) {
  using V = std::vector<std::string>;
  EXPECT_EQ(renewal::components_to_restart({"scheduler.conf", "apiserver", "etcd-peer", "apiserver",
                                            "controller-manager.conf", "admin.conf"}),
            (V{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"}));
  EXPECT_EQ(renewal::components_to_restart({"apiserver-etcd-client"}), V{"kube-apiserver"});
  EXPECT_EQ(renewal::components_to_restart({"admin.conf", "super-admin.conf"}), V{});
}

TEST(RenewRestartTable, RestartFalseKeepsKubeadmsHint) {
  EXPECT_EQ(renewal::restart_hint(true, {"etcd"}),
            "Done renewing certificates. You must restart the kube-apiserver, "
            "kube-controller-manager, kube-scheduler and etcd, so that they can use the new "
            "certificates.");
  EXPECT_EQ(renewal::restart_hint(false, {"kube-scheduler"}),
            "Done renewing certificates. You must restart the kube-scheduler, so that it uses the "
            "new certificate.");
  EXPECT_EQ(renewal::restart_hint(false, {"etcd", "kube-apiserver"}),
            "Done renewing certificates. You must restart the etcd and kube-apiserver, so that "
            "they use the new certificate.");
  EXPECT_EQ(renewal::restart_hint(false, {}), "");
}

// A CA and leaf certificates on disk, and a node whose manifests serve them.
class RenewRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    pki = dir.path() / "pki";
    manifests = dir.path() / "manifests";
    std::filesystem::create_directories(pki / "etcd");
    std::filesystem::create_directories(manifests);
    ca_key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
    certs::SigningOptions o{std::chrono::system_clock::now(),
                            std::chrono::system_clock::now() + std::chrono::hours(24)};
    ca = *certs::create_self_signed_ca({"kubernetes", {}, {}, {}}, ca_key.get(), o);
    ASSERT_TRUE(fs::write_file_atomic(pki / "ca.crt", *certs::certificate_pem(ca.get()), 0644));
    ASSERT_TRUE(
        fs::write_file_atomic(pki / "etcd/ca.crt", *certs::certificate_pem(ca.get()), 0644));
    issue("apiserver.crt");
    issue("etcd/server.crt");
    issue("apiserver-etcd-client.crt");
    write_manifest("kube-apiserver",
                   "    readinessProbe:\n      httpGet: {host: 10.0.0.1, path: /readyz, port: "
                   "6443, scheme: HTTPS}\n");
    write_manifest("etcd",
                   "    command: [etcd, '--listen-client-urls=https://127.0.0.1:2379,"
                   "https://10.0.0.1:2379']\n"
                   "    livenessProbe:\n      httpGet: {host: 127.0.0.1, path: /health, port: "
                   "2381}\n");
    write_manifest("kube-scheduler",
                   "    livenessProbe:\n      httpGet: {host: 127.0.0.1, path: /healthz, port: "
                   "10259, scheme: HTTPS}\n");
    node = std::make_unique<test::FakeStaticPodNode>(manifests, "cp1");
    node->serves("kube-apiserver", "10.0.0.1:6443", pki / "apiserver.crt");
    node->serves("etcd", "127.0.0.1:2379", pki / "etcd/server.crt");
    node->start_all();
    clock = std::make_unique<test::TickingClock>(*node);
    options.manifest_dir = manifests;
    options.backup_dir = dir.path() / "tmp" / "kubeadm-backup-manifests-t";
    options.cert_dir = pki;
    options.node_name = "cp1";
    options.timeout = std::chrono::seconds(30);
  }

  // A new certificate (a new serial) at `name` under pki.
  void issue(const std::string& name) {
    auto key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
    certs::SigningOptions o{std::chrono::system_clock::now(),
                            std::chrono::system_clock::now() + std::chrono::hours(1)};
    auto cert = *certs::sign_leaf({"x", {}, {}, {certs::ExtKeyUsage::ServerAuth}}, key.get(),
                                  ca.get(), ca_key.get(), o);
    ASSERT_TRUE(fs::write_file_atomic(pki / name, *certs::certificate_pem(cert.get()), 0644));
  }
  std::string serial_of(const std::string& name) {
    auto cert = certs::load_certificate(*fs::read_file(pki / name));
    return certs::inspect(cert->get()).serial;
  }
  void write_manifest(const std::string& c, const std::string& container_lines) {
    ASSERT_TRUE(fs::write_file_atomic(manifests / (c + ".yaml"),
                                      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + c +
                                          "\nspec:\n  containers:\n  - name: " + c + "\n" +
                                          container_lines,
                                      0600));
  }
  staticpod::Seams seams() { return {effects, *node, *node, *clock}; }

  test::TempDir dir;
  std::filesystem::path pki, manifests;
  certs::UniqueEvpPkey ca_key;
  certs::UniqueX509 ca;
  std::unique_ptr<test::FakeStaticPodNode> node;
  std::unique_ptr<test::TickingClock> clock;
  plan::RealEffects effects;
  renewal::RestartOptions options;
};

TEST_F(RenewRestart, RestartsEachReaderOnceInOrderAndChecksTheServedSerials) {
  const auto old_api = serial_of("apiserver.crt");
  issue("apiserver.crt");  // what renew did
  issue("etcd/server.crt");
  const auto new_api = serial_of("apiserver.crt");
  ASSERT_NE(old_api, new_api);
  test::LogCapture log;
  auto r = renewal::restart_components({"apiserver", "etcd-server", "scheduler.conf", "admin.conf"},
                                       options, seams());
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->restarted.size(), 3u);
  EXPECT_EQ(r->restarted[0].component, "etcd");
  EXPECT_EQ(r->restarted[1].component, "kube-apiserver");
  EXPECT_EQ(r->restarted[2].component, "kube-scheduler");
  for (const auto& c : {"etcd", "kube-apiserver", "kube-scheduler"}) {
    EXPECT_EQ(node->starts(c), 2) << c;  // one new container each
    EXPECT_EQ(node->stops(c), 1) << c;
  }
  ASSERT_EQ(r->served.size(), 2u);
  EXPECT_EQ(r->served[0].address, "127.0.0.1:2379");
  EXPECT_EQ(r->served[0].serial_after, serial_of("etcd/server.crt"));
  EXPECT_EQ(r->served[1].address, "10.0.0.1:6443");
  EXPECT_EQ(r->served[1].serial_before, old_api);
  EXPECT_EQ(r->served[1].serial_after, new_api);
  // etcd is asked with the API server's etcd client certificate, against the etcd CA.
  bool etcd_client = false;
  for (const auto& s : node->serial_checks) {
    etcd_client |= s == "127.0.0.1:2379 ca=" + (pki / "etcd/ca.crt").string() +
                            " client=" + (pki / "apiserver-etcd-client.crt").string();
  }
  EXPECT_TRUE(etcd_client);
  EXPECT_NE(log.str().find("kube-apiserver serves the renewed certificate at 10.0.0.1:6443: "
                           "serial " +
                           new_api + " (was " + old_api + ")"),
            std::string::npos)
      << log.str();
  for (const auto& c : {"etcd", "kube-apiserver", "kube-scheduler"}) {
    EXPECT_TRUE(std::filesystem::exists(options.backup_dir / (std::string(c) + ".yaml"))) << c;
  }
}

TEST_F(RenewRestart, ASerialServedBeforeTheRestartIsReportedAsSuch) {
  // kube-apiserver and etcd reload their serving certificates from disk by themselves.
  test::LogCapture log;
  auto r = renewal::restart_components({"apiserver"}, options, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(node->starts("kube-apiserver"), 2);
  EXPECT_NE(log.str().find("serial " + serial_of("apiserver.crt") +
                           " (already served before the restart)"),
            std::string::npos)
      << log.str();
}

TEST_F(RenewRestart, AComponentStillServingTheOldCertificateIsAFailureNamingTheSerial) {
  const auto wanted = [&] {
    issue("apiserver.crt");
    return serial_of("apiserver.crt");
  }();
  // The process keeps serving what it loaded: make it load a certificate other than the renewed.
  node->serves("kube-apiserver", "10.0.0.1:6443", pki / "apiserver-etcd-client.crt");
  options.timeout = std::chrono::seconds(5);
  auto r = renewal::restart_components({"apiserver"}, options, seams());
  ASSERT_FALSE(r);
  const auto text = r.error().text();
  EXPECT_NE(text.find("kube-apiserver to serve the renewed certificate (serial " + wanted +
                      ") at 10.0.0.1:6443"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("restarting kube-apiserver after the certificate renewal"),
            std::string::npos);
}

TEST_F(RenewRestart, NoKubeletIsReportedAtOnceAndNothingIsTouched) {
  node->kubelet_running = false;
  auto before = fs::read_file(manifests / "kube-scheduler.yaml");
  auto r = renewal::restart_components({"scheduler.conf"}, options, seams());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("no kubelet answers at http://127.0.0.1:10248/healthz"),
            std::string::npos)
      << r.error().text();
  EXPECT_NE(r.error().text().find("--restart=false"), std::string::npos);
  EXPECT_EQ(node->ticks, 0);  // no waiting
  EXPECT_EQ(fs::read_file(manifests / "kube-scheduler.yaml").value_or("?"), before.value_or(""));
  EXPECT_FALSE(std::filesystem::exists(options.backup_dir));
}

TEST_F(RenewRestart, ComponentsWithoutAManifestAreSkippedAndNamed) {
  std::filesystem::remove(manifests / "kube-scheduler.yaml");
  test::LogCapture log;
  auto r =
      renewal::restart_components({"scheduler.conf", "controller-manager.conf"}, options, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->restarted.empty());
  EXPECT_EQ(r->skipped, (std::vector<std::string>{"kube-controller-manager", "kube-scheduler"}));
  EXPECT_TRUE(node->health_urls.empty());  // the node is not even asked
  EXPECT_NE(log.str().find("there is no static pod manifest for it"), std::string::npos);
}

TEST_F(RenewRestart, NothingToRestartForKubeconfigsOfPeople) {
  auto r = renewal::restart_components({"admin.conf", "super-admin.conf"}, options, seams());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->restarted.empty());
  EXPECT_TRUE(r->skipped.empty());
  EXPECT_TRUE(node->requests.empty());
}

TEST(RenewRestartNodeName, FromTheKubeletsClientCertificate) {
  test::TempDir dir;
  auto key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  certs::SigningOptions o{std::chrono::system_clock::now(),
                          std::chrono::system_clock::now() + std::chrono::hours(1)};
  auto ca = *certs::create_self_signed_ca({"kubernetes", {}, {}, {}}, key.get(), o);
  auto node_cert =
      certs::sign_leaf({"system:node:cp-7", {"system:nodes"}, {}, {certs::ExtKeyUsage::ClientAuth}},
                       key.get(), ca.get(), key.get(), o);
  ASSERT_TRUE(node_cert) << node_cert.error().text();
  const auto pem_path = dir.path() / "kubelet-client-current.pem";
  ASSERT_TRUE(fs::write_file_atomic(
      pem_path, *certs::certificate_pem(node_cert->get()) + *certs::private_key_pem(key.get()),
      0600));
  const auto conf = dir.path() / "kubelet.conf";
  ASSERT_TRUE(fs::write_file_atomic(conf,
                                    "apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  "
                                    "cluster:\n    server: https://10.0.0.1:6443\ncontexts:\n- "
                                    "name: c\n  context: {cluster: k, user: u}\n"
                                    "current-context: c\nusers:\n- name: u\n  user:\n    "
                                    "client-certificate: " +
                                        pem_path.string() +
                                        "\n    client-key: " + pem_path.string() + "\n",
                                    0600));
  EXPECT_EQ(renewal::kubelet_node_name(conf, "fallback"), "cp-7");
  EXPECT_EQ(renewal::kubelet_node_name(dir.path() / "missing.conf", "fallback"), "fallback");
}

}  // namespace
