#include <gtest/gtest.h>

#include <algorithm>

#include "certs/phase.h"
#include "certs/pki_state.h"
#include "common/fs.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubeconfig/phase.h"
#include "lib/log_capture.h"
#include "lib/paths_host.h"
#include "lib/temp_dir.h"
#include "renewal/expiration.h"

using namespace kadm;
namespace stdfs = std::filesystem;

namespace {

config::InitConfiguration kc_config(const stdfs::path& pki) {
  config::InitConfiguration cfg;
  cfg.node_registration.name = "node1";
  cfg.local_api_endpoint.advertise_address = "10.20.30.40";
  cfg.local_api_endpoint.bind_port = 6443;
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.certificates_dir = pki.string();
  cfg.cluster.cluster_name = "kubernetes";
  cfg.cluster.encryption_algorithm = config::EncryptionAlgorithm::ECDSAP256;
  cfg.cluster.etcd.local = config::LocalEtcd{};
  return cfg;
}

struct Row {
  std::string file, user;
  std::vector<std::string> orgs;
  std::string server;
};

}  // namespace

TEST(Kubeconfig, AllFilesHaveTheSpecifiedIdentityAndServer) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path() / "pki");
  cfg.cluster.control_plane_endpoint = "lb.example.test";
  certs::PkiState state;
  plan::RealEffects effects;
  test::LogCapture log;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, effects));
  auto s = kubeconfig::run_all_kubeconfigs(cfg, dir.path(), state, effects);
  ASSERT_TRUE(s) << s.error().text();
  auto ca = certs::load_certificate(*fs::read_file(dir.path() / "pki" / "ca.crt"));
  std::vector<Row> rows{
      {"admin.conf",
       "kubernetes-admin",
       {"kubeadm:cluster-admins"},
       "https://lb.example.test:6443"},
      {"super-admin.conf",
       "kubernetes-super-admin",
       {"system:masters"},
       "https://lb.example.test:6443"},
      {"kubelet.conf", "system:node:node1", {"system:nodes"}, "https://10.20.30.40:6443"},
      {"controller-manager.conf", "system:kube-controller-manager", {}, "https://10.20.30.40:6443"},
      {"scheduler.conf", "system:kube-scheduler", {}, "https://10.20.30.40:6443"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.file);
    auto path = dir.path() / row.file;
    EXPECT_EQ(*fs::file_mode(path), 0600u);
    auto kc = kubeconfig::load(path);
    ASSERT_TRUE(kc) << kc.error().text();
    EXPECT_EQ(kc->context_name, row.user + "@kubernetes");
    EXPECT_EQ(kc->user_name, row.user);
    EXPECT_EQ(kc->server, row.server);
    EXPECT_EQ(kc->ca_pem, *fs::read_file(dir.path() / "pki" / "ca.crt"));
    auto cert = certs::load_certificate(kc->client_cert_pem);
    ASSERT_TRUE(cert);
    auto info = certs::inspect(cert->get());
    EXPECT_EQ(info.common_name, row.user);
    EXPECT_EQ(info.organizations, row.orgs);
    EXPECT_EQ(info.usages, std::vector<certs::ExtKeyUsage>{certs::ExtKeyUsage::ClientAuth});
    EXPECT_TRUE(certs::verify_signed_by(cert->get(), ca->get()));
    EXPECT_NE(kc->client_key_pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  }
  EXPECT_NE(log.str().find("[kubeconfig] Writing \"super-admin.conf\" kubeconfig file"),
            std::string::npos);
}

TEST(Kubeconfig, EndpointsBracketIpv6AndKeepPorts) {
  auto cfg = kc_config("/nonexistent");
  cfg.local_api_endpoint.advertise_address = "fd00::5";
  EXPECT_EQ(*kubeconfig::local_api_url(cfg), "https://[fd00::5]:6443");
  EXPECT_EQ(*kubeconfig::control_plane_url(cfg), "https://[fd00::5]:6443");
  cfg.cluster.control_plane_endpoint = "[fd00::9]:8443";
  EXPECT_EQ(*kubeconfig::control_plane_url(cfg), "https://[fd00::9]:8443");
  cfg.cluster.control_plane_endpoint = "10.0.0.9";
  cfg.local_api_endpoint.bind_port = 7443;
  EXPECT_EQ(*kubeconfig::control_plane_url(cfg), "https://10.0.0.9:7443");
}

TEST(Kubeconfig, LegacyVersionHasNoSuperAdminAndMastersAdmin) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path() / "pki");
  cfg.cluster.kubernetes_version = "v1.20.9";
  certs::PkiState state;
  plan::RecordingEffects rec;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, rec));
  rec.actions.clear();
  ASSERT_TRUE(kubeconfig::run_all_kubeconfigs(cfg, dir.path(), state, rec));
  ASSERT_EQ(rec.actions.size(), 4u);  // dry: nothing on disk, CA from memory
  EXPECT_FALSE(stdfs::exists(dir.path() / "admin.conf"));
  const auto& admin = std::get<plan::WriteFile>(rec.actions[0]);
  EXPECT_TRUE(admin.sensitive);
  auto kc = kubeconfig::parse(admin.content);
  ASSERT_TRUE(kc);
  auto info = certs::inspect(certs::load_certificate(kc->client_cert_pem)->get());
  EXPECT_EQ(info.organizations, std::vector<std::string>{"system:masters"});
  auto kubelet = kubeconfig::parse(std::get<plan::WriteFile>(rec.actions[1]).content);
  EXPECT_EQ(kubelet->server, "https://10.20.30.40:6443");
}

TEST(Kubeconfig, RerunChecksCaAndServer) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path() / "pki");
  plan::RealEffects effects;
  {
    certs::PkiState state;
    ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, effects));
    ASSERT_TRUE(kubeconfig::run_kubeconfig_phase("admin", cfg, dir.path(), state, effects));
  }
  {
    test::LogCapture log;
    auto changed = cfg;
    changed.local_api_endpoint.advertise_address = "10.20.30.41";
    certs::PkiState state;
    plan::RecordingEffects rec;
    ASSERT_TRUE(kubeconfig::run_kubeconfig_phase("admin", changed, dir.path(), state, rec));
    EXPECT_TRUE(rec.actions.empty());
    EXPECT_NE(
        log.str().find("has an unexpected API Server URL: expected: https://10.20.30.41:6443, "
                       "got: https://10.20.30.40:6443"),
        std::string::npos);
    EXPECT_NE(log.str().find("[kubeconfig] Using existing kubeconfig file: \""), std::string::npos);
  }
  // A new CA makes the existing file wrong.
  ASSERT_TRUE(fs::remove_file(dir.path() / "pki" / "ca.crt"));
  ASSERT_TRUE(fs::remove_file(dir.path() / "pki" / "ca.key"));
  certs::PkiState state;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, effects));
  auto s = kubeconfig::run_kubeconfig_phase("admin", cfg, dir.path(), state, effects);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("exists already but has got the wrong CA cert"),
            std::string::npos);
}

TEST(Kubeconfig, ReaderHandlesFilesTokensAndBadYaml) {
  const char* text = R"(apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://[fd00::1]:6443
    certificate-authority: /etc/kubernetes/pki/ca.crt
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
users:
- name: u
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
    token: abcdef.0123456789abcdef
)";
  auto kc = kubeconfig::parse(text);
  ASSERT_TRUE(kc) << kc.error().text();
  EXPECT_EQ(kc->server, "https://[fd00::1]:6443");
  EXPECT_EQ(kc->ca_file, "/etc/kubernetes/pki/ca.crt");
  EXPECT_EQ(kc->client_cert_file, "/var/lib/kubelet/pki/kubelet-client-current.pem");
  EXPECT_EQ(kc->token, "abcdef.0123456789abcdef");
  EXPECT_FALSE(kubeconfig::parse("a: [unclosed"));
  EXPECT_FALSE(kubeconfig::parse("current-context: nope\n"));
}

TEST(UserKubeconfig, ClientNameAndOrgs) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path());
  certs::PkiState state;
  plan::RealEffects effects;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, effects));
  auto ca = certs::load_ca_files(dir.path(), "ca");
  ASSERT_TRUE(ca);
  auto text =
      kubeconfig::user_kubeconfig(cfg, *ca, "alice", {"devs", "ops"}, std::chrono::hours(24));
  ASSERT_TRUE(text) << text.error().text();
  auto kc = kubeconfig::parse(*text);
  ASSERT_TRUE(kc);
  auto info = certs::inspect(certs::load_certificate(kc->client_cert_pem)->get());
  EXPECT_EQ(info.common_name, "alice");
  EXPECT_EQ(info.organizations, (std::vector<std::string>{"devs", "ops"}));
  auto hours = std::chrono::duration_cast<std::chrono::hours>(info.not_after - certs::Clock::now());
  EXPECT_LE(hours.count(), 24);
  EXPECT_GE(hours.count(), 23);
}

TEST(Expiration, TheKubeletsClientCertificateIsListedAndWarnedAbout) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path() / "pki");
  certs::PkiState state;
  plan::RealEffects effects;
  {
    test::LogCapture quiet;
    ASSERT_TRUE(certs::run_all_certs(cfg, state, effects));
    ASSERT_TRUE(kubeconfig::run_all_kubeconfigs(cfg, dir.path(), state, effects));
  }
  EXPECT_FALSE(renewal::kubelet_client_expiry(dir.path() / "kubelet-pki"));
  // The kubelet's file: its certificate, then its key.
  auto pem = *fs::read_file(dir.path() / "pki" / "apiserver-kubelet-client.crt") +
             *fs::read_file(dir.path() / "pki" / "apiserver-kubelet-client.key");
  std::filesystem::create_directories(dir.path() / "kubelet-pki");
  ASSERT_TRUE(
      fs::write_file_atomic(dir.path() / "kubelet-pki" / "kubelet-client-current.pem", pem, 0600));
  auto now = certs::Clock::now();
  auto kubelet = renewal::kubelet_client_expiry(dir.path() / "kubelet-pki", now);
  ASSERT_TRUE(kubelet);
  EXPECT_FALSE(kubelet->missing);
  EXPECT_TRUE(kubelet->rotated_by_kubelet);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(kubelet->residual).count() / 24, 364);

  auto rows = renewal::check_expiration(cfg, dir.path(), now);
  rows.push_back(*kubelet);
  EXPECT_TRUE(renewal::expiry_warnings(rows).empty());
  // 340 days later everything issued a year ago is within 30 days of its end.
  auto later = now + std::chrono::hours(24 * 340);
  rows = renewal::check_expiration(cfg, dir.path(), later);
  rows.push_back(*renewal::kubelet_client_expiry(dir.path() / "kubelet-pki", later));
  auto warnings = renewal::expiry_warnings(rows);
  ASSERT_EQ(warnings.size(), rows.size() - 3);  // the three CAs have 10 years
  auto has = [&](const std::string& text) {
    return std::ranges::any_of(warnings, [&](const auto& w) { return w.find(text) != w.npos; });
  };
  EXPECT_TRUE(
      has("certificate apiserver expires in 24d: renew it with `kadm certs renew apiserver`"));
  EXPECT_TRUE(has("certificate kubelet-client-current.pem expires in 24d: the kubelet renews it"));
  // Expired is said so.
  rows = renewal::check_expiration(cfg, dir.path(), now + std::chrono::hours(24 * 400));
  EXPECT_NE(renewal::expiry_warnings(rows).at(0).find("has expired"), std::string::npos);
}

TEST(Expiration, ListsAndRenews) {
  test::TempDir dir;
  auto cfg = kc_config(dir.path() / "pki");
  certs::PkiState state;
  plan::RealEffects effects;
  {
    test::LogCapture quiet;
    ASSERT_TRUE(certs::run_all_certs(cfg, state, effects));
    ASSERT_TRUE(kubeconfig::run_all_kubeconfigs(cfg, dir.path(), state, effects));
  }
  auto rows = renewal::check_expiration(cfg, dir.path());
  std::vector<std::string> names;
  for (const auto& r : rows) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "admin.conf", "apiserver", "apiserver-etcd-client",
                       "apiserver-kubelet-client", "controller-manager.conf",
                       "etcd-healthcheck-client", "etcd-peer", "etcd-server", "front-proxy-client",
                       "scheduler.conf", "super-admin.conf", "ca", "etcd-ca", "front-proxy-ca"}));
  for (const auto& r : rows) {
    EXPECT_FALSE(r.externally_managed);
    EXPECT_FALSE(r.missing);
    auto days = std::chrono::duration_cast<std::chrono::hours>(r.residual).count() / 24;
    EXPECT_EQ(days, r.is_ca ? 3649 : 364) << r.name;
  }
  EXPECT_EQ(rows[2].ca_name, "etcd-ca");

  auto old_cert = *fs::read_file(dir.path() / "pki" / "apiserver.crt");
  auto old_key = *fs::read_file(dir.path() / "pki" / "apiserver.key");
  auto old_admin = *kubeconfig::load(dir.path() / "admin.conf");
  test::LogCapture log;
  const test::PathsHost host;  // no etcd TLS copies here
  ASSERT_TRUE(renewal::renew("apiserver", cfg, dir.path(), effects, host));
  auto new_cert = *fs::read_file(dir.path() / "pki" / "apiserver.crt");
  EXPECT_NE(new_cert, old_cert);
  EXPECT_NE(*fs::read_file(dir.path() / "pki" / "apiserver.key"), old_key);
  auto a = certs::inspect(certs::load_certificate(old_cert)->get());
  auto b = certs::inspect(certs::load_certificate(new_cert)->get());
  EXPECT_EQ(a.alt_names, b.alt_names);
  EXPECT_EQ(a.common_name, b.common_name);
  EXPECT_EQ(a.usages, b.usages);
  EXPECT_NE(a.serial, b.serial);

  ASSERT_TRUE(renewal::renew("admin.conf", cfg, dir.path(), effects, host));
  auto new_admin = *kubeconfig::load(dir.path() / "admin.conf");
  EXPECT_EQ(new_admin.server, old_admin.server);
  EXPECT_EQ(new_admin.ca_pem, old_admin.ca_pem);
  EXPECT_NE(new_admin.client_cert_pem, old_admin.client_cert_pem);
  EXPECT_NE(new_admin.client_key_pem, old_admin.client_key_pem);
  EXPECT_EQ(*fs::file_mode(dir.path() / "admin.conf"), 0600u);
  EXPECT_EQ(certs::inspect(certs::load_certificate(new_admin.client_cert_pem)->get()).organizations,
            std::vector<std::string>{"kubeadm:cluster-admins"});
  EXPECT_NE(log.str().find("Done renewing certificates."), std::string::npos);

  auto bad = renewal::renew("ca", cfg, dir.path(), effects, host);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("unknown certificate \"ca\""), std::string::npos);

  plan::RecordingEffects rec;
  ASSERT_TRUE(renewal::renew("all", cfg, dir.path(), rec, host));
  EXPECT_EQ(rec.actions.size(), 2u * 7 + 4);
}
