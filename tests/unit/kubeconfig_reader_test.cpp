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
  auto kc = read_kubeconfig(data_config(), {.source = "admin.conf"}).value();
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
    auto r = read_kubeconfig(c.yaml, {.source = "/etc/x.conf"});
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

// One kubeconfig for the option tests: an unnamed cluster (as in cluster-info) next to the
// cluster of current-context, whose user names its CA and token by relative paths.
std::string two_clusters() {
  return "current-context: c\n"
         "clusters:\n"
         "- name: \"\"\n"
         "  cluster: {server: 'https://unnamed:6443'}\n"
         "- name: k\n"
         "  cluster: {server: 'https://named:6443', certificate-authority: pki/ca.crt}\n"
         "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
         "users: [{name: u, user: {tokenFile: tok}}]\n";
}

Result<Kubeconfig> read_with(const std::string& yaml, FileReferences references,
                             ClusterChoice cluster, const std::string& base_dir = "/nonexistent") {
  return read_kubeconfig(
      yaml,
      {.source = "opts.conf", .base_dir = base_dir, .references = references, .cluster = cluster});
}

void expect_error(const Result<Kubeconfig>& r, const std::string& part) {
  ASSERT_FALSE(r) << "expected an error containing: " << part;
  EXPECT_NE(r.error().text().find(part), std::string::npos) << r.error().text();
  EXPECT_NE(r.error().text().find("opts.conf"), std::string::npos) << r.error().text();
}

TEST(KubeconfigReaderOptions, ReferencesAreReadKeptOrRefused) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "pki");
  write(dir.path() / "pki/ca.crt", "CA FROM FILE");
  write(dir.path() / "tok", "zzzzzz.localsecret000000\n");
  const auto cc = ClusterChoice::CurrentContext;

  auto read = read_with(two_clusters(), FileReferences::Read, cc, dir.path().string()).value();
  EXPECT_EQ(read.ca_pem, "CA FROM FILE");
  EXPECT_EQ(read.token, "zzzzzz.localsecret000000");
  EXPECT_EQ(read.token_file, (dir.path() / "tok").string());
  expect_error(read_with(two_clusters(), FileReferences::Read, cc), "/nonexistent/pki/ca.crt");

  // Kept: absolute paths, nothing read, so a missing file is no error.
  for (const auto& base : {dir.path().string(), std::string("/nonexistent")}) {
    auto kept = read_with(two_clusters(), FileReferences::Keep, cc, base);
    ASSERT_TRUE(kept) << kept.error().text();
    EXPECT_TRUE(kept->ca_pem.empty());
    EXPECT_TRUE(kept->token.empty());
    EXPECT_EQ(kept->ca_file, base + "/pki/ca.crt");
    EXPECT_EQ(kept->token_file, base + "/tok");
  }

  auto refused = read_with(two_clusters(), FileReferences::Refuse, cc, dir.path().string());
  expect_error(refused, "\"certificate-authority\"");
  EXPECT_EQ(refused.error().text().find("CA FROM FILE"), std::string::npos);
  const std::string token_only =
      "current-context: c\nclusters: [{name: k, cluster: {server: 'https://h:6443'}}]\n"
      "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
      "users: [{name: u, user: {tokenFile: tok}}]\n";
  refused = read_with(token_only, FileReferences::Refuse, cc, dir.path().string());
  expect_error(refused, "\"tokenFile\"");
  EXPECT_EQ(refused.error().text().find("localsecret"), std::string::npos);
}

TEST(KubeconfigReaderOptions, ClusterChoice) {
  const auto keep = FileReferences::Keep;
  auto current = read_with(two_clusters(), keep, ClusterChoice::CurrentContext).value();
  EXPECT_EQ(current.server, "https://named:6443");
  EXPECT_EQ(current.cluster_name, "k");
  EXPECT_EQ(current.user_name, "u");

  // kubeadm's discovery rule: the unnamed cluster wins, the current context still names the user.
  auto unnamed = read_with(two_clusters(), keep, ClusterChoice::UnnamedOrCurrentContext).value();
  EXPECT_EQ(unnamed.server, "https://unnamed:6443");
  EXPECT_EQ(unnamed.cluster_name, "");
  EXPECT_EQ(unnamed.user_name, "u");
  EXPECT_EQ(unnamed.token_file, "/nonexistent/tok");

  expect_error(read_with(two_clusters(), keep, ClusterChoice::SoleCluster),
               "must contain exactly one cluster, it has 2");

  // cluster-info: one cluster, no context, no users; its name does not matter.
  const std::string cluster_info =
      "clusters: [{name: x, cluster: {server: 'https://ci:6443'}}]\n"
      "contexts: null\ncurrent-context: \"\"\nusers: null\n";
  auto sole = read_with(cluster_info, keep, ClusterChoice::SoleCluster).value();
  EXPECT_EQ(sole.server, "https://ci:6443");
  EXPECT_TRUE(sole.user_name.empty());
  expect_error(read_with(cluster_info, keep, ClusterChoice::CurrentContext),
               "current-context is not set");
  expect_error(read_with(cluster_info, keep, ClusterChoice::UnnamedOrCurrentContext),
               "no cluster is named \"\"");
  for (auto choice : {ClusterChoice::UnnamedOrCurrentContext, ClusterChoice::SoleCluster}) {
    expect_error(read_with("clusters: []\n", keep, choice), "defines no cluster");
  }
}

TEST(KubeconfigReaderOptions, RequireUser) {
  const std::string head =
      "current-context: c\nclusters: [{name: k, cluster: {server: 'https://h:6443'}}]\n";
  const std::string anonymous = head + "contexts: [{name: c, context: {cluster: k}}]\n";
  const std::string bare_user = head +
                                "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                "users: [{name: u, user: {}}]\n";
  const std::string cert_files = head +
                                 "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                 "users: [{name: u, user: {client-certificate: c.crt, "
                                 "client-key: c.key}}]\n";
  ReadOptions o{.source = "opts.conf", .references = FileReferences::Keep};
  EXPECT_TRUE(read_kubeconfig(anonymous, o));
  EXPECT_TRUE(read_kubeconfig(bare_user, o));
  o.require_user = true;
  expect_error(read_kubeconfig(anonymous, o), "names no user");
  expect_error(read_kubeconfig(bare_user, o), "user \"u\" has no credentials");
  // With references kept, a named certificate file is a credential.
  EXPECT_TRUE(read_kubeconfig(cert_files, o));
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
