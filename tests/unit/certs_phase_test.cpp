#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <sstream>

#include "certs/cert_table.h"
#include "certs/keys.h"
#include "certs/phase.h"
#include "certs/pki_state.h"
#include "common/fs.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"

using namespace kadm;
using namespace std::chrono_literals;
namespace stdfs = std::filesystem;

namespace {

config::InitConfiguration pki_config(const stdfs::path& dir, config::EncryptionAlgorithm alg) {
  config::InitConfiguration cfg;
  cfg.node_registration.name = "node1";
  cfg.local_api_endpoint.advertise_address = "10.20.30.40";
  cfg.local_api_endpoint.bind_port = 6443;
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.networking.dns_domain = "cluster.local";
  cfg.cluster.certificates_dir = dir.string();
  cfg.cluster.cluster_name = "kubernetes";
  cfg.cluster.encryption_algorithm = alg;
  cfg.cluster.etcd.local = config::LocalEtcd{};
  return cfg;
}

certs::UniqueX509 load_cert(const stdfs::path& p) {
  auto text = fs::read_file(p);
  EXPECT_TRUE(text) << p;
  auto cert = certs::load_certificate(text.value_or(""));
  EXPECT_TRUE(cert) << p;
  return cert ? std::move(*cert) : nullptr;
}

struct Expected {
  std::string cn;
  std::vector<std::string> orgs;
  std::vector<certs::ExtKeyUsage> usages;
  std::string issuer;
};

using EKU = certs::ExtKeyUsage;

const std::map<std::string, Expected>& expected_current() {
  static const std::map<std::string, Expected> m{
      {"ca", {"kubernetes", {}, {}, "kubernetes"}},
      {"apiserver", {"kube-apiserver", {}, {EKU::ServerAuth}, "kubernetes"}},
      {"apiserver-kubelet-client",
       {"kube-apiserver-kubelet-client", {}, {EKU::ClientAuth}, "kubernetes"}},
      {"front-proxy-ca", {"front-proxy-ca", {}, {}, "front-proxy-ca"}},
      {"front-proxy-client", {"front-proxy-client", {}, {EKU::ClientAuth}, "front-proxy-ca"}},
      {"etcd/ca", {"etcd-ca", {}, {}, "etcd-ca"}},
      {"etcd/server", {"node1", {}, {EKU::ServerAuth, EKU::ClientAuth}, "etcd-ca"}},
      {"etcd/peer", {"node1", {}, {EKU::ServerAuth, EKU::ClientAuth}, "etcd-ca"}},
      {"etcd/healthcheck-client",
       {"kube-etcd-healthcheck-client", {}, {EKU::ClientAuth}, "etcd-ca"}},
      {"apiserver-etcd-client", {"kube-apiserver-etcd-client", {}, {EKU::ClientAuth}, "etcd-ca"}},
  };
  return m;
}

class FullTree : public ::testing::TestWithParam<config::EncryptionAlgorithm> {};

}  // namespace

TEST_P(FullTree, EveryCertificateHasTheSpecifiedFields) {
  test::TempDir dir;
  auto cfg = pki_config(dir.path() / "pki", GetParam());
  test::LogCapture out;
  auto start = certs::Clock::now();
  certs::PkiState state(start);
  plan::RealEffects effects;
  auto s = certs::run_all_certs(cfg, state, effects);
  ASSERT_TRUE(s) << s.error().text();
  int expected_key_type =
      GetParam() == config::EncryptionAlgorithm::RSA2048 ? EVP_PKEY_RSA : EVP_PKEY_EC;
  for (const auto& [base, exp] : expected_current()) {
    SCOPED_TRACE(base);
    auto crt = dir.path() / "pki" / (base + ".crt");
    auto key = dir.path() / "pki" / (base + ".key");
    EXPECT_EQ(*fs::file_mode(key), 0600u);
    EXPECT_EQ(*fs::file_mode(crt), 0644u);
    auto key_pem = *fs::read_file(key);
    EXPECT_NE(key_pem.find(expected_key_type == EVP_PKEY_RSA ? "BEGIN RSA PRIVATE KEY"
                                                             : "BEGIN EC PRIVATE KEY"),
              std::string::npos);
    auto cert = load_cert(crt);
    ASSERT_TRUE(cert);
    auto info = certs::inspect(cert.get());
    EXPECT_EQ(info.common_name, exp.cn);
    EXPECT_EQ(info.organizations, exp.orgs);
    EXPECT_EQ(info.usages, exp.usages);
    EXPECT_EQ(info.issuer_common_name, exp.issuer);
    EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), expected_key_type);
    EXPECT_TRUE(info.has_basic_constraints);
    bool is_ca = exp.usages.empty();
    EXPECT_EQ(info.is_ca, is_ca);
    uint32_t ku = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | (is_ca ? KU_KEY_CERT_SIGN : 0);
    EXPECT_EQ(info.key_usage, ku);
    auto validity = is_ca ? std::chrono::hours(87600) : std::chrono::hours(8760);
    EXPECT_EQ(certs::Clock::to_time_t(info.not_before), certs::Clock::to_time_t(start - 5min));
    EXPECT_EQ(certs::Clock::to_time_t(info.not_after), certs::Clock::to_time_t(start + validity));
    // Serial in [1, 2^63-2]: positive and at most 19 digits.
    EXPECT_NE(info.serial, "0");
    EXPECT_LE(info.serial.size(), 19u);
    EXPECT_NE(info.serial.front(), '-');
    if (is_ca) {
      EXPECT_EQ(info.alt_names.dns, std::vector<std::string>{exp.cn});
    }
    if (!is_ca) {
      std::string ca_base = exp.issuer == "kubernetes" ? "ca"
                            : exp.issuer == "etcd-ca"  ? "etcd/ca"
                                                       : "front-proxy-ca";
      auto ca = load_cert(dir.path() / "pki" / (ca_base + ".crt"));
      EXPECT_TRUE(certs::verify_signed_by(cert.get(), ca.get()));
    }
  }
  auto sa_key = dir.path() / "pki" / "sa.key";
  EXPECT_EQ(*fs::file_mode(sa_key), 0600u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "pki" / "sa.pub"), 0600u);
  EXPECT_NE(fs::read_file(dir.path() / "pki" / "sa.pub")->find("BEGIN PUBLIC KEY"),
            std::string::npos);
  auto text = out.str();
  EXPECT_NE(
      text.find("[certs] Using certificateDir folder \"" + (dir.path() / "pki").string() + "\""),
      std::string::npos);
  EXPECT_NE(
      text.find("[certs] apiserver serving cert is signed for DNS names [kubernetes "
                "kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local "
                "node1] and IPs [10.96.0.1 10.20.30.40]"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("[certs] etcd/peer serving cert is signed for DNS names [localhost node1] and "
                "IPs [10.20.30.40 127.0.0.1 ::1]"),
      std::string::npos);
  EXPECT_EQ(text.find("apiserver-kubelet-client serving cert"), std::string::npos);
  // Generation order is the table order, whatever order the background keys finished in.
  EXPECT_LT(text.find("Generating \"ca\""), text.find("Generating \"apiserver\""));
  EXPECT_LT(text.find("Generating \"etcd/ca\""), text.find("Generating \"etcd/server\""));
  EXPECT_LT(text.find("Generating \"apiserver-etcd-client\""),
            text.find("Generating \"sa\" key and public key"));
  EXPECT_NE(text.find("[certs] Valid certificates and keys now exist in"), std::string::npos);

  // A second run reuses everything and changes nothing.
  test::LogCapture again;
  auto before = *fs::read_file(dir.path() / "pki" / "apiserver.crt");
  certs::PkiState state2;
  plan::RecordingEffects rec;
  ASSERT_TRUE(certs::run_all_certs(cfg, state2, rec));
  EXPECT_TRUE(rec.actions.empty());
  EXPECT_NE(again.str().find("[certs] Using the existing \"etcd/server\" certificate and key"),
            std::string::npos);
  EXPECT_NE(again.str().find("[certs] Using the existing \"sa\" key"), std::string::npos);
  EXPECT_EQ(*fs::read_file(dir.path() / "pki" / "apiserver.crt"), before);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, FullTree,
                         ::testing::Values(config::EncryptionAlgorithm::RSA2048,
                                           config::EncryptionAlgorithm::ECDSAP256));

TEST(CertPhase, DryRunWritesNothingButSignsWithTheInMemoryCa) {
  test::TempDir dir;
  auto cfg = pki_config(dir.path() / "pki", config::EncryptionAlgorithm::ECDSAP256);
  certs::PkiState state;
  plan::RecordingEffects rec;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, rec));
  ASSERT_TRUE(certs::run_cert_phase("apiserver", cfg, state, rec));
  EXPECT_FALSE(stdfs::exists(dir.path() / "pki"));
  ASSERT_EQ(rec.actions.size(), 4u);
  const auto& ca_key = std::get<plan::WriteFile>(rec.actions[0]);
  EXPECT_EQ(ca_key.path, dir.path() / "pki" / "ca.key");
  EXPECT_TRUE(ca_key.sensitive);
  EXPECT_EQ(ca_key.mode, 0600u);
  auto ca = certs::load_certificate(std::get<plan::WriteFile>(rec.actions[1]).content);
  auto leaf = certs::load_certificate(std::get<plan::WriteFile>(rec.actions[3]).content);
  ASSERT_TRUE(ca && leaf);
  EXPECT_TRUE(certs::verify_signed_by(leaf->get(), ca->get()));

  certs::PkiState dry_state;
  plan::DryRunEffects dry(false);
  ASSERT_TRUE(certs::run_all_certs(cfg, dry_state, dry));
  EXPECT_FALSE(stdfs::exists(dir.path() / "pki"));
}

TEST(CertPhase, ExternalEtcdSkipsEtcdCertificates) {
  test::TempDir dir;
  auto cfg = pki_config(dir.path(), config::EncryptionAlgorithm::ECDSAP256);
  cfg.cluster.etcd.local.reset();
  cfg.cluster.etcd.external = config::ExternalEtcd{{"https://10.0.0.1:2379"}, "", "", ""};
  certs::PkiState state;
  plan::RecordingEffects rec;
  ASSERT_TRUE(certs::run_all_certs(cfg, state, rec));
  for (const auto& a : rec.actions) {
    EXPECT_EQ(std::get<plan::WriteFile>(a).path.string().find("etcd"), std::string::npos);
  }
  EXPECT_EQ(rec.actions.size(), 2u * 5 + 2);
}

TEST(CertPhase, LegacyVersionUsesOldCaAndGroups) {
  test::TempDir dir;
  auto cfg = pki_config(dir.path(), config::EncryptionAlgorithm::ECDSAP256);
  cfg.cluster.kubernetes_version = "v1.20.9";
  auto start = certs::Clock::now();
  certs::PkiState state(start);
  plan::RealEffects effects;
  for (auto name : {"ca", "apiserver-kubelet-client", "etcd-ca", "apiserver-etcd-client"}) {
    ASSERT_TRUE(certs::run_cert_phase(name, cfg, state, effects)) << name;
  }
  auto ca = certs::inspect(load_cert(dir.path() / "ca.crt").get());
  EXPECT_EQ(ca.serial, "0");
  EXPECT_EQ(certs::Clock::to_time_t(ca.not_before), certs::Clock::to_time_t(start));
  auto kc = certs::inspect(load_cert(dir.path() / "apiserver-kubelet-client.crt").get());
  EXPECT_EQ(kc.organizations, std::vector<std::string>{"system:masters"});
  EXPECT_FALSE(kc.has_basic_constraints);
  EXPECT_EQ(kc.not_before, ca.not_before);
  auto ec = certs::inspect(load_cert(dir.path() / "apiserver-etcd-client.crt").get());
  EXPECT_EQ(ec.organizations, std::vector<std::string>{"system:masters"});

  auto cfg128 = cfg;
  cfg128.cluster.kubernetes_version = "v1.28.3";
  auto rules = certs::rules_for(cfg128.cluster);
  EXPECT_FALSE(rules.ca_zero_serial);
  EXPECT_EQ(rules.admin_group, "system:masters");
  EXPECT_FALSE(rules.super_admin_conf);
  cfg128.cluster.kubernetes_version = "v1.29.0";
  EXPECT_EQ(certs::rules_for(cfg128.cluster).admin_group, "kubeadm:cluster-admins");
}

// The API server's kubelet client left the admin group in v1.37 and the back-ports.
TEST(CertPhase, KubeletClientGroupFollowsTheRelease) {
  config::ClusterConfiguration c;
  for (auto [version, without_group] : {std::pair{"v1.29.0", false},
                                        {"v1.35.4", false},
                                        {"v1.35.5", true},
                                        {"v1.36.0", false},
                                        {"v1.36.1", true},
                                        {"v1.37.0", true},
                                        {"v1.40.2", true},
                                        {"stable-1", true}}) {
    c.kubernetes_version = version;
    EXPECT_EQ(certs::rules_for(c).kubelet_client_without_group, without_group) << version;
  }
}

TEST(CertPhase, ValidityPeriodsComeFromConfig) {
  test::TempDir dir;
  auto cfg = pki_config(dir.path(), config::EncryptionAlgorithm::ECDSAP256);
  cfg.cluster.certificate_validity_period = std::chrono::hours(48);
  cfg.cluster.ca_certificate_validity_period = std::chrono::hours(96);
  auto start = certs::Clock::now();
  certs::PkiState state(start);
  plan::RealEffects effects;
  ASSERT_TRUE(certs::run_cert_phase("front-proxy-ca", cfg, state, effects));
  ASSERT_TRUE(certs::run_cert_phase("front-proxy-client", cfg, state, effects));
  auto ca = certs::inspect(load_cert(dir.path() / "front-proxy-ca.crt").get());
  auto leaf = certs::inspect(load_cert(dir.path() / "front-proxy-client.crt").get());
  EXPECT_EQ(certs::Clock::to_time_t(ca.not_after), certs::Clock::to_time_t(start + 96h));
  EXPECT_EQ(certs::Clock::to_time_t(leaf.not_after), certs::Clock::to_time_t(start + 48h));
}

// ---- refusals on re-run ----

class Refusals : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg = pki_config(dir.path(), config::EncryptionAlgorithm::ECDSAP256);
    plan::RealEffects effects;
    certs::PkiState state;
    for (auto name : {"ca", "apiserver", "front-proxy-ca", "front-proxy-client"}) {
      ASSERT_TRUE(certs::run_cert_phase(name, cfg, state, effects));
    }
  }
  Status rerun(std::string_view name) {
    certs::PkiState state;
    plan::RecordingEffects rec;
    auto s = certs::run_cert_phase(name, cfg, state, rec);
    writes = rec.actions.size();
    return s;
  }
  test::TempDir dir;
  config::InitConfiguration cfg;
  size_t writes = 0;
};

TEST_F(Refusals, CaThatIsNotACa) {
  stdfs::copy_file(dir.path() / "apiserver.crt", dir.path() / "ca.crt",
                   stdfs::copy_options::overwrite_existing);
  auto s = rerun("ca");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("certificate \"ca\" is not a CA"), std::string::npos);
}

TEST_F(Refusals, LeafNotSignedByItsCa) {
  stdfs::copy_file(dir.path() / "front-proxy-client.crt", dir.path() / "apiserver.crt",
                   stdfs::copy_options::overwrite_existing);
  stdfs::copy_file(dir.path() / "front-proxy-client.key", dir.path() / "apiserver.key",
                   stdfs::copy_options::overwrite_existing);
  auto s = rerun("apiserver");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("certificate apiserver is not signed by corresponding CA"),
            std::string::npos);
  EXPECT_EQ(writes, 0u);
}

TEST_F(Refusals, MissingSan) {
  cfg.cluster.api_server.cert_sans = {"extra.example.test"};
  auto s = rerun("apiserver");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("certificate apiserver is invalid"), std::string::npos);
  EXPECT_NE(s.error().text().find("extra.example.test"), std::string::npos);
  cfg.cluster.api_server.cert_sans = {"10.9.9.9"};
  s = rerun("apiserver");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("10.9.9.9"), std::string::npos);
}

TEST_F(Refusals, UnreadableOrForeignKey) {
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "apiserver.key", "garbage", 0600));
  auto s = rerun("apiserver");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("failure loading key for apiserver"), std::string::npos);

  // An Ed25519 key is neither RSA nor ECDSA.
  certs::UniqueEvpPkeyCtx pctx(EVP_PKEY_CTX_new_from_name(nullptr, "ED25519", nullptr));
  EVP_PKEY* raw = nullptr;
  ASSERT_TRUE(pctx && EVP_PKEY_keygen_init(pctx.get()) == 1 &&
              EVP_PKEY_keygen(pctx.get(), &raw) == 1);
  certs::UniqueEvpPkey ed(raw);
  certs::UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), ed.get(), nullptr, nullptr, 0, nullptr, nullptr);
  ASSERT_TRUE(
      fs::write_file_atomic(dir.path() / "apiserver.key", certs::bio_contents(bio.get()), 0600));
  s = rerun("apiserver");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("neither in RSA nor ECDSA format"), std::string::npos);
}

// An sa.key that is there but cannot be loaded is never replaced: a new key would invalidate
// every ServiceAccount token of the cluster.
TEST_F(Refusals, UnloadableServiceAccountKeyIsNotReplaced) {
  const auto sa_key = dir.path() / "sa.key";
  ASSERT_TRUE(fs::write_file_atomic(sa_key, "not a key", 0600));
  auto s = rerun("sa");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("file " + sa_key.string() +
                                  " existed but it could not be loaded properly"),
            std::string::npos)
      << s.error().text();
  EXPECT_EQ(writes, 0u);
  EXPECT_EQ(*fs::read_file(sa_key), "not a key");

  // A loadable one is kept; a missing one is generated.
  {
    certs::PkiState state;
    plan::RealEffects effects;
    ASSERT_TRUE(fs::remove_file(sa_key));
    ASSERT_TRUE(certs::run_cert_phase("sa", cfg, state, effects));
  }
  std::string generated = *fs::read_file(sa_key);
  ASSERT_TRUE(rerun("sa"));
  EXPECT_EQ(writes, 0u);
  EXPECT_EQ(*fs::read_file(sa_key), generated);
}

// A CA key without its certificate is not overwritten by a new CA.
TEST_F(Refusals, LoneCaKeyIsNotOverwritten) {
  ASSERT_TRUE(fs::remove_file(dir.path() / "front-proxy-ca.crt"));
  std::string key = *fs::read_file(dir.path() / "front-proxy-ca.key");
  auto s = rerun("front-proxy-ca");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("failure loading front-proxy-ca certificate authority"),
            std::string::npos)
      << s.error().text();
  EXPECT_NE(s.error().text().find((dir.path() / "front-proxy-ca.key").string()), std::string::npos);
  EXPECT_EQ(writes, 0u);
  EXPECT_EQ(*fs::read_file(dir.path() / "front-proxy-ca.key"), key);
}

TEST_F(Refusals, ExternalCaRequiresExistingValidLeaves) {
  ASSERT_TRUE(fs::remove_file(dir.path() / "ca.key"));
  test::LogCapture out;
  certs::PkiState state;
  plan::RecordingEffects rec;
  ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, rec));
  ASSERT_TRUE(certs::run_cert_phase("apiserver", cfg, state, rec));
  EXPECT_NE(out.str().find("keyless certificate authority"), std::string::npos);
  auto s = certs::run_cert_phase("apiserver-kubelet-client", cfg, state, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(
      s.error().text().find("could not load expected certificate \"apiserver-kubelet-client\" "
                            "or validate the existence of key \"ca\" for it"),
      std::string::npos);
  EXPECT_TRUE(rec.actions.empty());
}

TEST(Keys, PemFormsAndReload) {
  for (auto alg : {config::EncryptionAlgorithm::RSA2048, config::EncryptionAlgorithm::ECDSAP256,
                   config::EncryptionAlgorithm::ECDSAP384}) {
    auto key = certs::generate_key(alg);
    ASSERT_TRUE(key);
    auto pem = certs::private_key_pem(key->get());
    ASSERT_TRUE(pem);
    bool rsa = alg == config::EncryptionAlgorithm::RSA2048;
    EXPECT_EQ(
        pem->rfind(rsa ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----", 0),
        0u);
    auto back = certs::load_private_key(*pem);
    ASSERT_TRUE(back);
    EXPECT_EQ(EVP_PKEY_eq(key->get(), back->get()), 1);
    auto pub = certs::public_key_pem(key->get());
    ASSERT_TRUE(pub);
    EXPECT_EQ(pub->rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    EXPECT_TRUE(certs::load_public_key(*pub));
  }
  auto p384 = certs::generate_key(config::EncryptionAlgorithm::ECDSAP384);
  EXPECT_EQ(EVP_PKEY_get_bits(p384->get()), 384);
}
