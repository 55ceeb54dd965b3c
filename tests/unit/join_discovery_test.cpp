#include <gtest/gtest.h>

#include <chrono>

#include <openssl/pem.h>

#include "certs/keys.h"
#include "certs/pin.h"
#include "certs/x509.h"
#include "join/discovery.h"
#include "join/kubelet_start.h"
#include "join/node_files.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubelet/client_credentials.h"
#include "kubelet/node_csr.h"
#include "token/jws.h"

namespace kadm::join {
namespace {

using namespace kadm::kubelet;
using nlohmann::json;

struct Fixture {
  std::string ca_pem;
  std::string pin;
  std::string kubeconfig;
  token::TokenString tok{"abcdef", "0123456789abcdef"};
};

Fixture make_fixture() {
  Fixture f;
  auto key = certs::generate_key(config::EncryptionAlgorithm::ECDSAP256).value();
  certs::SigningOptions so;
  so.not_before = std::chrono::system_clock::now();
  so.not_after = so.not_before + std::chrono::hours(24);
  certs::CertRequest req;
  req.common_name = "kubernetes";
  auto ca = certs::create_self_signed_ca(req, key.get(), so).value();
  f.ca_pem = certs::certificate_pem(ca.get()).value();
  f.pin = certs::public_key_pin(f.ca_pem).value();
  f.kubeconfig = kubeconfig::render({.cluster_name = "",
                                     .server = "https://10.0.0.1:6443",
                                     .ca_pem = f.ca_pem,
                                     .user = "",
                                     .client_cert_pem = "",
                                     .client_key_pem = "",
                                     .token = ""});
  return f;
}

json signed_configmap(const Fixture& f, const std::string& content) {
  json cm;
  cm["data"]["kubeconfig"] = content;
  cm["data"]["jws-kubeconfig-" + f.tok.id] =
      token::detached_signature(f.kubeconfig, f.tok.id, f.tok.secret).value();
  return cm;
}

certs::PinSet pins_of(const std::string& pin) {
  certs::PinSet p;
  EXPECT_TRUE(p.allow(pin).has_value());
  return p;
}

TEST(JoinDiscovery, AcceptsSignedClusterInfoWithPinnedCa) {
  auto f = make_fixture();
  auto r = verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, pins_of(f.pin), false);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->server, "https://10.0.0.1:6443");
  EXPECT_EQ(r->ca_pem, f.ca_pem);
}

TEST(JoinDiscovery, RejectsTamperedContent) {
  auto f = make_fixture();
  std::string tampered = f.kubeconfig;
  tampered.replace(tampered.find("10.0.0.1"), 8, "10.6.6.6");
  auto r = verify_cluster_info(signed_configmap(f, tampered), f.tok, pins_of(f.pin), false);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("JWS signature"), std::string::npos);
}

TEST(JoinDiscovery, RejectsUnpinnedCaAndShowsItsHash) {
  auto f = make_fixture();
  auto other = make_fixture();
  auto r = verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, pins_of(other.pin), false);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find(f.pin), std::string::npos) << r.error().message();
  // The unsafe mode skips only the pin check.
  EXPECT_TRUE(verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, {}, true).has_value());
}

// --discovery-token-unsafe-skip-ca-verification with --discovery-token-ca-cert-hash: the pins
// given are still checked (kubeadm skips only when there are none).
TEST(JoinDiscovery, UnsafeSkipStillChecksThePinsGiven) {
  auto f = make_fixture();
  auto other = make_fixture();
  auto wrong = verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, pins_of(other.pin),
                                   /*skip_ca_verification=*/true);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().kind(), ErrorKind::Tls);
  EXPECT_NE(wrong.error().message().find(f.pin), std::string::npos) << wrong.error().message();
  auto right = verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, pins_of(f.pin), true);
  EXPECT_TRUE(right.has_value()) << right.error().message();
  // Without the flag an empty pin set is refused.
  EXPECT_FALSE(verify_cluster_info(signed_configmap(f, f.kubeconfig), f.tok, {}, false));
}

TEST(JoinDiscovery, MissingSignatureIsNotFoundWithTheTokenMessage) {
  auto f = make_fixture();
  json cm;
  cm["data"]["kubeconfig"] = f.kubeconfig;
  auto r = verify_cluster_info(cm, f.tok, pins_of(f.pin), false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
  EXPECT_NE(r.error().message().find("token id \"abcdef\" is invalid"), std::string::npos);
  json empty;
  EXPECT_NE(verify_cluster_info(empty, f.tok, pins_of(f.pin), false).error().kind(),
            ErrorKind::NotFound);
}

// A CA that matches no pin is final even before the token is signed: waiting out the signature
// grace could not change the answer.
TEST(JoinDiscovery, UnpinnedCaIsRefusedBeforeTheSignatureIsAwaited) {
  auto f = make_fixture();
  auto other = make_fixture();
  json cm;
  cm["data"]["kubeconfig"] = f.kubeconfig;
  auto r = verify_cluster_info(cm, f.tok, pins_of(other.pin), false);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().kind(), ErrorKind::NotFound);
  EXPECT_NE(r.error().message().find("none of the public keys"), std::string::npos)
      << r.error().message();
}

TEST(JoinNodeCsr, SubjectAndUsagesForTheApprover) {
  auto key = certs::generate_key(config::EncryptionAlgorithm::ECDSAP256).value();
  auto pem = node_csr_pem(key.get(), "worker-1").value();
  certs::UniqueBio bio = certs::memory_bio(pem);
  certs::UniqueX509Req req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(req);
  char buf[256];
  X509_NAME_oneline(X509_REQ_get_subject_name(req.get()), buf, sizeof buf);
  EXPECT_STREQ(buf, "/O=system:nodes/CN=system:node:worker-1");
  certs::UniqueEvpPkey pub(X509_REQ_get_pubkey(req.get()));
  EXPECT_EQ(X509_REQ_verify(req.get(), pub.get()), 1);

  auto obj = node_csr_object("node-csr-x", pem, false);
  EXPECT_EQ(obj["spec"]["signerName"], "kubernetes.io/kube-apiserver-client-kubelet");
  EXPECT_EQ(obj["spec"]["usages"], json({"digital signature", "client auth"}));
  EXPECT_EQ(node_csr_object("n", pem, true)["spec"]["usages"].size(), 3u);
  auto a = node_csr_name().value(), b = node_csr_name().value();
  EXPECT_TRUE(a.starts_with("node-csr-"));
  EXPECT_NE(a, b);
}

TEST(JoinNodeCsr, StateFromConditionsAndCertificate) {
  json pending = {{"status", json::object()}};
  EXPECT_EQ(csr_state(pending).phase, CsrState::Phase::Pending);
  json issued = {{"status", {{"certificate", "Q0VSVA=="}}}};
  EXPECT_EQ(csr_state(issued).phase, CsrState::Phase::Issued);
  EXPECT_EQ(csr_state(issued).certificate_pem, "CERT");
  json denied = {
      {"status", {{"conditions", {{{"type", "Denied"}, {"status", "True"}, {"reason", "R"}}}}}}};
  EXPECT_EQ(csr_state(denied).phase, CsrState::Phase::Denied);
}

TEST(JoinNodeFiles, KubeletConfReferencesTheRotatablePem) {
  auto f = make_fixture();
  auto text = kubelet_kubeconfig("https://10.0.0.1:6443", f.ca_pem,
                                 "/var/lib/kubelet/pki/kubelet-client-current.pem");
  auto parsed = kubeconfig::parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message() << "\n" << text;
  EXPECT_EQ(parsed->client_cert_file, "/var/lib/kubelet/pki/kubelet-client-current.pem");
  EXPECT_EQ(parsed->client_key_file, "/var/lib/kubelet/pki/kubelet-client-current.pem");
  EXPECT_EQ(parsed->server, "https://10.0.0.1:6443");
  EXPECT_TRUE(parsed->token.empty());
  EXPECT_EQ(kubelet_config_map_name(config::parse_kube_version("v1.20.15").value()),
            "kubelet-config-1.20");
  EXPECT_EQ(kubelet_config_map_name(config::parse_kube_version("v1.37.2").value()),
            "kubelet-config");
}

TEST(JoinNodeName, ReadyNodeRefusedOthersPass) {
  json ready = {{"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  json not_ready = {{"status", {{"conditions", {{{"type", "Ready"}, {"status", "False"}}}}}}};
  auto r = check_node_name_free(ready, "w1");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("--node-name"), std::string::npos);
  EXPECT_TRUE(check_node_name_free(not_ready, "w1").has_value());
  // The API may send null members: read as "no conditions", never an exception.
  EXPECT_TRUE(check_node_name_free(json{{"status", nullptr}}, "w1").has_value());
  EXPECT_TRUE(check_node_name_free(json{{"status", {{"conditions", nullptr}}}}, "w1"));
  EXPECT_TRUE(
      check_node_name_free(json{{"status", {{"conditions", json::array({"x", 1})}}}}, "w1"));
  EXPECT_TRUE(check_node_name_free(json(nullptr), "w1").has_value());
}

}  // namespace
}  // namespace kadm::join
