#include "apiclient/kubeconfig_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/strings.h"
#include "lib/temp_dir.h"

namespace kadm::apiclient {
namespace {

void write(const std::filesystem::path& p, const std::string& content) {
  std::ofstream(p) << content;
}

std::string data_config() {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "current-context: admin@kubernetes\n"
         "clusters:\n"
         "- name: other\n"
         "  cluster:\n"
         "    server: https://wrong:1\n"
         "- name: kubernetes\n"
         "  cluster:\n"
         "    server: https://10.0.0.1:6443\n"
         "    certificate-authority-data: " +
         str::base64_encode("CA PEM") +
         "\n"
         "contexts:\n"
         "- name: admin@kubernetes\n"
         "  context:\n"
         "    cluster: kubernetes\n"
         "    user: admin\n"
         "users:\n"
         "- name: admin\n"
         "  user:\n"
         "    client-certificate-data: " +
         str::base64_encode("CERT PEM") +
         "\n"
         "    client-key-data: " +
         str::base64_encode("KEY PEM") + "\n";
}

TEST(KubeconfigReader, DataFields) {
  auto kc = parse_kubeconfig(data_config(), "admin.conf").value();
  EXPECT_EQ(kc.server, "https://10.0.0.1:6443");
  EXPECT_EQ(kc.host_port(), "10.0.0.1:6443");
  EXPECT_EQ(kc.cluster_name, "kubernetes");
  EXPECT_EQ(kc.user_name, "admin");
  EXPECT_EQ(kc.ca_pem, "CA PEM");
  EXPECT_EQ(kc.client_cert_pem, "CERT PEM");
  EXPECT_EQ(kc.client_key_pem, "KEY PEM");
  EXPECT_FALSE(kc.insecure_skip_tls_verify);
  EXPECT_TRUE(kc.token.empty());
}

TEST(KubeconfigReader, FileFieldsResolveRelativeToTheKubeconfig) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "pki");
  write(dir.path() / "pki/ca.crt", "CA FROM FILE");
  write(dir.path() / "pki/c.crt", "CERT FROM FILE");
  write(dir.path() / "pki/c.key", "KEY FROM FILE");
  write(dir.path() / "tok", "abcdef.0123456789abcdef\n");
  write(dir.path() / "kc",
        "current-context: c\n"
        "clusters: [{name: k, cluster: {server: 'https://h:6443', certificate-authority: "
        "pki/ca.crt, insecure-skip-tls-verify: true}}]\n"
        "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
        "users: [{name: u, user: {client-certificate: pki/c.crt, client-key: " +
            (dir.path() / "pki/c.key").string() + ", tokenFile: tok}}]\n");
  auto kc = load_kubeconfig((dir.path() / "kc").string()).value();
  EXPECT_EQ(kc.ca_pem, "CA FROM FILE");
  EXPECT_EQ(kc.ca_file, (dir.path() / "pki/ca.crt").string());
  EXPECT_EQ(kc.client_cert_pem, "CERT FROM FILE");
  EXPECT_EQ(kc.client_key_pem, "KEY FROM FILE");
  EXPECT_EQ(kc.token, "abcdef.0123456789abcdef");
  EXPECT_TRUE(kc.insecure_skip_tls_verify);
}

struct MissingCase {
  std::string yaml;
  std::string expected;  // part of the error text
};

TEST(KubeconfigReader, MissingPiecesNameFileAndPiece) {
  const std::vector<MissingCase> cases = {
      {"clusters: []\n", "current-context is not set"},
      {"current-context: c\n", "context \"c\" not found"},
      {"current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n",
       "cluster \"k\" of context \"c\" not found"},
      {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
       "clusters: [{name: k, cluster: {}}]\n",
       "cluster \"k\" has no server"},
      {"current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
       "clusters: [{name: k, cluster: {server: 'https://h'}}]\n",
       "user \"u\" of context \"c\" not found"},
      {"current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
       "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
       "users: [{name: u, user: {client-key-data: " +
           str::base64_encode("k") + "}}]\n",
       "client key but no client certificate"},
      {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
       "clusters: [{name: k, cluster: {server: 'https://h', certificate-authority: "
       "/nonexistent/ca.crt}}]\n",
       "/nonexistent/ca.crt"},
      {"current-context: [unterminated\n", "not valid YAML"},
      {"- a list\n", "not a kubeconfig"},
  };
  for (const auto& c : cases) {
    auto r = parse_kubeconfig(c.yaml, "/etc/x.conf");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_NE(r.error().text().find(c.expected), std::string::npos) << r.error().text();
    EXPECT_NE(r.error().text().find("/etc/x.conf"), std::string::npos) << r.error().text();
  }
}

TEST(KubeconfigReader, MissingFile) {
  auto r = load_kubeconfig("/nonexistent/admin.conf");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("/nonexistent/admin.conf"), std::string::npos);
}

TEST(KubeconfigReader, PathResolution) {
  ::unsetenv("KADM_KUBECONFIG");
  ::unsetenv("KUBECONFIG");
  EXPECT_EQ(resolve_kubeconfig_path(std::nullopt, "/etc/kubernetes/admin.conf"),
            "/etc/kubernetes/admin.conf");
  ::setenv("KUBECONFIG", "/a/one:/b/two", 1);
  EXPECT_EQ(resolve_kubeconfig_path(std::nullopt, "/fallback"), "/a/one");
  ::setenv("KADM_KUBECONFIG", "/own", 1);
  EXPECT_EQ(resolve_kubeconfig_path(std::nullopt, "/fallback"), "/own");
  EXPECT_EQ(resolve_kubeconfig_path(std::string("/explicit"), "/fallback"), "/explicit");
  ::unsetenv("KADM_KUBECONFIG");
  ::unsetenv("KUBECONFIG");
}

}  // namespace
}  // namespace kadm::apiclient
