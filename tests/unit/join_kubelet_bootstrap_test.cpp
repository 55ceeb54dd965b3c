// The wait of `kadm join --tls-bootstrap=kubelet`: which kubelet.conf counts as bootstrapped,
// and what a timeout says.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "certs/keys.h"
#include "certs/x509.h"
#include "common/fs.h"
#include "common/strings.h"
#include "join/kubelet_bootstrap_wait.h"
#include "join/node_files.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubelet/client_credentials.h"
#include "kubelet/node_csr.h"
#include "lib/fake_clock.h"
#include "lib/temp_dir.h"

namespace kadm::join {
namespace {

using namespace kadm::kubelet;
using nlohmann::json;

struct Pki {
  certs::UniqueEvpPkey ca_key;
  certs::UniqueX509 ca;
  std::string ca_pem;
};

Pki make_ca(const std::string& name) {
  Pki p;
  p.ca_key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  auto now = std::chrono::system_clock::now();
  certs::SigningOptions o{.not_before = now - std::chrono::hours(1),
                          .not_after = now + std::chrono::hours(24)};
  certs::CertRequest req;
  req.common_name = name;
  p.ca = *certs::create_self_signed_ca(req, p.ca_key.get(), o);
  p.ca_pem = *certs::certificate_pem(p.ca.get());
  return p;
}

// cert + key in one PEM, as the kubelet's certificate store writes them.
std::string node_pem(const Pki& pki, const std::string& cn, EVP_PKEY* key_in_file = nullptr) {
  auto key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  auto now = std::chrono::system_clock::now();
  certs::SigningOptions o{.not_before = now - std::chrono::hours(1),
                          .not_after = now + std::chrono::hours(24)};
  certs::CertRequest req;
  req.common_name = cn;
  req.organizations = {"system:nodes"};
  req.usages = {certs::ExtKeyUsage::ClientAuth};
  auto cert = *certs::sign_leaf(req, key.get(), pki.ca.get(), pki.ca_key.get(), o);
  return *certs::certificate_pem(cert.get()) +
         *certs::private_key_pem(key_in_file ? key_in_file : key.get());
}

class KubeletConfUsable : public ::testing::Test {
 protected:
  void SetUp() override {
    conf = dir.path() / "kubelet.conf";
    pem = dir.path() / "kubelet-client-current.pem";
    // What the kubelet writes first, before it holds a certificate.
    ASSERT_TRUE(fs::write_file_atomic(
        conf, kubelet_kubeconfig("https://10.0.0.1:6443", pki.ca_pem, pem.string()), 0600));
  }
  test::TempDir dir;
  Pki pki = make_ca("kubernetes");
  std::filesystem::path conf, pem;
};

TEST_F(KubeletConfUsable, NotBeforeTheCertificateItNamesExists) {
  auto r = kubelet_conf_usable(conf, "w1", pki.ca_pem);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find(pem.string()), std::string::npos) << r.error().text();
}

TEST_F(KubeletConfUsable, OnceTheCertificateAndKeyLoadAndMatch) {
  ASSERT_TRUE(fs::write_file_atomic(pem, node_pem(pki, "system:node:w1"), 0600));
  auto r = kubelet_conf_usable(conf, "w1", pki.ca_pem);
  EXPECT_TRUE(r) << r.error().text();
}

TEST_F(KubeletConfUsable, NotWithAnUnparsableCertificate) {
  ASSERT_TRUE(fs::write_file_atomic(pem, "-----BEGIN CERTIFICATE-----\ntrunc", 0600));
  EXPECT_FALSE(kubelet_conf_usable(conf));
}

TEST_F(KubeletConfUsable, NotWithAKeyOfAnotherCertificate) {
  auto other = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  ASSERT_TRUE(fs::write_file_atomic(pem, node_pem(pki, "system:node:w1", other.get()), 0600));
  auto r = kubelet_conf_usable(conf);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("do not belong together"), std::string::npos);
}

TEST_F(KubeletConfUsable, NotForAnotherNodeOrCluster) {
  ASSERT_TRUE(fs::write_file_atomic(pem, node_pem(pki, "system:node:w9"), 0600));
  auto r = kubelet_conf_usable(conf, "w1", pki.ca_pem);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("\"system:node:w9\", not \"system:node:w1\""), std::string::npos)
      << r.error().text();

  ASSERT_TRUE(fs::write_file_atomic(pem, node_pem(make_ca("other"), "system:node:w1"), 0600));
  EXPECT_TRUE(kubelet_conf_usable(conf, "w1"));
  EXPECT_FALSE(kubelet_conf_usable(conf, "w1", pki.ca_pem));
}

TEST(BootstrapTokenUser, IsTheTokenId) {
  EXPECT_EQ(bootstrap_token_user("abcdef.0123456789abcdef"), "system:bootstrap:abcdef");
  EXPECT_EQ(bootstrap_token_user("no-dot"), "");
  EXPECT_EQ(bootstrap_token_user(".secret"), "");
}

json csr(const std::string& name, const std::string& user, const std::string& created,
         json status = json::object()) {
  return {{"metadata", {{"name", name}, {"creationTimestamp", created}}},
          {"spec", {{"username", user}}},
          {"status", std::move(status)}};
}

const std::string kUser = "system:bootstrap:abcdef";

TEST(BootstrapCsrDiagnosis, NoCsrMeansTheKubeletNeverGotThere) {
  json list = {{"items", {csr("node-csr-x", "system:bootstrap:zzzzzz", "2026-01-01T00:00:00Z")}}};
  auto text = bootstrap_csr_diagnosis(list, kUser);
  EXPECT_NE(text.find("no CertificateSigningRequest from " + kUser), std::string::npos) << text;
}

TEST(BootstrapCsrDiagnosis, PendingNamesTheBindingAndHowToApprove) {
  json list = {{"items",
                {csr("node-csr-old", kUser, "2026-01-01T00:00:00Z"),
                 csr("node-csr-new", kUser, "2026-01-01T00:00:09Z"),
                 csr("node-csr-mid", kUser, "2026-01-01T00:00:05Z")}}};
  auto text = bootstrap_csr_diagnosis(list, kUser);
  EXPECT_NE(text.find("node-csr-new from " + kUser + " is waiting for approval"), std::string::npos)
      << text;
  EXPECT_NE(text.find("kubeadm:node-autoapprove-bootstrap"), std::string::npos);
  EXPECT_NE(text.find("kubectl certificate approve node-csr-new"), std::string::npos);
  EXPECT_NE(text.find("newest of 3"), std::string::npos);
}

TEST(BootstrapCsrDiagnosis, ApprovedButUnsignedPointsAtTheSigner) {
  json approved = {{"conditions", {{{"type", "Approved"}, {"status", "True"}}}}};
  auto text = bootstrap_csr_diagnosis(
      {{"items", {csr("node-csr-a", kUser, "2026-01-01T00:00:00Z", approved)}}}, kUser);
  EXPECT_NE(text.find("approved but not signed"), std::string::npos) << text;
  EXPECT_NE(text.find("csrsigning"), std::string::npos);
}

TEST(BootstrapCsrDiagnosis, DeniedSaysWhy) {
  json denied = {{"conditions",
                  {{{"type", "Denied"},
                    {"status", "True"},
                    {"reason", "NotMine"},
                    {"message", "denied by an admin"}}}}};
  auto text = bootstrap_csr_diagnosis(
      {{"items", {csr("node-csr-d", kUser, "2026-01-01T00:00:00Z", denied)}}}, kUser);
  EXPECT_NE(text.find("was refused (NotMine: denied by an admin)"), std::string::npos) << text;
}

// A CSR object whose request is a real PKCS#10 for system:node:<node>.
json node_csr_for(const std::string& name, const std::string& node, const std::string& created) {
  auto key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  json c = csr(name, kUser, created);
  c["spec"]["request"] = str::base64_encode(*node_csr_pem(key.get(), node));
  return c;
}

TEST(CsrCommonName, ReadsTheRequestSubject) {
  auto key = *certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  EXPECT_EQ(csr_common_name(*node_csr_pem(key.get(), "w3")), "system:node:w3");
  EXPECT_EQ(csr_common_name("not a csr"), "");
}

TEST(BootstrapCsrDiagnosis, OnlyThisNodesCsrsCountWhenTheTokenIsShared) {
  json list = {{"items",
                {node_csr_for("csr-mine", "w3", "2026-01-01T00:00:00Z"),
                 node_csr_for("csr-other", "w4", "2026-01-01T00:00:09Z")}}};
  auto text = bootstrap_csr_diagnosis(list, kUser, "w3");
  EXPECT_NE(text.find("approve csr-mine"), std::string::npos) << text;
  EXPECT_EQ(text.find("csr-other"), std::string::npos) << text;
  EXPECT_NE(bootstrap_csr_diagnosis(list, kUser, "w5")
                .find("no CertificateSigningRequest for system:node:w5 from " + kUser),
            std::string::npos);
}

TEST(BootstrapCsrDiagnosis, ToleratesNullAndMissingMembers) {
  json list = {
      {"items",
       {{{"metadata", nullptr}, {"spec", {{"username", kUser}}}, {"status", nullptr}}, nullptr}}};
  EXPECT_NE(bootstrap_csr_diagnosis(list, kUser).find("waiting for approval"), std::string::npos);
  EXPECT_NE(bootstrap_csr_diagnosis(json(), kUser).find("no CertificateSigningRequest"),
            std::string::npos);
  EXPECT_EQ(csr_state({{"status", nullptr}}).phase, CsrState::Phase::Pending);
}

// Answers every GET with `list`; counts calls.
class ListClient final : public apiclient::Client {
 public:
  explicit ListClient(json list) : m_list(std::move(list)) {}
  apiclient::ApiResult<json> send(const apiclient::Request& request) override {
    paths.push_back(request.path);
    return m_list;
  }
  std::vector<std::string> paths;

 private:
  json m_list;
};

// Runs `on_sleep` on every sleep of the wait, so a test can make files appear mid-wait.
class ActingClock final : public apiclient::Clock {
 public:
  TimePoint now() override { return m_clock.now(); }
  void sleep_for(Duration d) override {
    m_clock.sleep_for(d);
    if (on_sleep) on_sleep(m_clock.sleeps().size());
  }
  std::function<void(std::size_t)> on_sleep;
  test::FakeClock m_clock;
};

TEST_F(KubeletConfUsable, WaitEndsWhenTheKubeletHasItsCertificate) {
  ActingClock clock;
  clock.on_sleep = [&](std::size_t n) {
    if (n == 3) {
      ASSERT_TRUE(fs::write_file_atomic(pem, node_pem(pki, "system:node:w1"), 0600));
    }
  };
  ListClient client(json::object());
  KubeletBootstrapWait w{.kubelet_conf = conf,
                         .timeout = Duration{10000},
                         .interval = Duration{250},
                         .node_name = "w1",
                         .ca_pem = pki.ca_pem,
                         .csr_username = kUser,
                         .clock = &clock};
  auto r = wait_for_kubelet_bootstrap(w, client);
  EXPECT_TRUE(r) << r.error().text();
  EXPECT_EQ(clock.m_clock.sleeps().size(), 3u);
  EXPECT_TRUE(client.paths.empty());  // CSRs are read only to explain a timeout
}

TEST_F(KubeletConfUsable, TimeoutSaysWhereTheBootstrapStoppedAndWhatToCheck) {
  test::FakeClock clock;
  // w2 shares the token and was signed later: its CSR says nothing about w1's bootstrap.
  json signed_other = node_csr_for("node-csr-w2", "w2", "2026-01-01T00:00:05Z");
  signed_other["status"]["certificate"] = "LS0t";
  json list = {{"items", {node_csr_for("node-csr-p", "w1", "2026-01-01T00:00:00Z"), signed_other}}};
  ListClient client(list);
  KubeletBootstrapWait w{.kubelet_conf = conf,
                         .timeout = Duration{15000},
                         .interval = Duration{250},
                         .node_name = "w1",
                         .ca_pem = pki.ca_pem,
                         .csr_username = kUser,
                         .clock = &clock};
  auto r = wait_for_kubelet_bootstrap(w, client);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  const std::string text = r.error().text();
  for (std::string want :
       {std::string("15s"), pem.string(), std::string("node-csr-p"),
        std::string("waiting for approval"), std::string("journalctl -xeu kubelet")}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing \"" << want << "\" in: " << text;
  }
  EXPECT_EQ(text.find("node-csr-w2"), std::string::npos) << text;
  ASSERT_EQ(client.paths.size(), 1u);
  EXPECT_NE(client.paths[0].find("certificatesigningrequests"), std::string::npos);
  // Bounded: the fake clock moved no further than the timeout.
  Duration slept{0};
  for (auto d : clock.sleeps()) slept += d;
  EXPECT_EQ(slept, Duration{15000});
}

// bootstrap-kubelet.conf carries the token, or, for a discovery file without one, the file's
// client certificate and key.
TEST(BootstrapKubeconfig, TokenOrClientCertificate) {
  auto by_token = kubeconfig::parse(
      bootstrap_kubeconfig("https://10.0.0.1:6443", "CA", {"abcdef.0123456789abcdef", "", ""}));
  ASSERT_TRUE(by_token) << by_token.error().text();
  EXPECT_EQ(by_token->token, "abcdef.0123456789abcdef");
  EXPECT_TRUE(by_token->client_cert_pem.empty());

  auto by_cert = kubeconfig::parse(
      bootstrap_kubeconfig("https://10.0.0.1:6443", "CA", {"", "CERT PEM", "KEY PEM"}));
  ASSERT_TRUE(by_cert) << by_cert.error().text();
  EXPECT_TRUE(by_cert->token.empty());
  EXPECT_EQ(by_cert->client_cert_pem, "CERT PEM");
  EXPECT_EQ(by_cert->client_key_pem, "KEY PEM");
  EXPECT_EQ(by_cert->server, "https://10.0.0.1:6443");
}

}  // namespace
}  // namespace kadm::join
