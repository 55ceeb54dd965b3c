// kadm's own `jws-kubeconfig-<id>` entries in cluster-info (spec §5.2): the value the
// controller-manager's bootstrap signer computes, only for signing tokens, written with a merge
// patch that keeps every other key.

#include "token/cluster_info_signature.h"

#include <gtest/gtest.h>

#include <chrono>

#include "clusterobjects/cluster_info_signing.h"
#include "lib/fake_api_server.h"
#include "lib/log_capture.h"
#include "token/jws.h"

namespace kadm::token {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A cluster-info kubeconfig in kubeadm's form and its signatures as computed by
// k8s.io/cluster-bootstrap v0.37.2 token/jws.ComputeDetachedSignature (the signer's function),
// run once outside this repository.
constexpr const char* kKubeconfig =
    "apiVersion: v1\n"
    "clusters:\n"
    "- cluster:\n"
    "    certificate-authority-data: Q0EgZGF0YQo=\n"
    "    server: https://10.0.0.1:6443\n"
    "  name: \"\"\n"
    "contexts: null\n"
    "current-context: \"\"\n"
    "kind: Config\n"
    "preferences: {}\n"
    "users: null\n";
constexpr const char* kToken = "abcdef.0123456789abcdef";
constexpr const char* kSignersJws =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..jbJBHv5yRweOI6UYlgIwnbxDSD0us_Ek1K1KqG3l8eE";
constexpr const char* kToken2 = "123456.abcdefghijklmnop";
constexpr const char* kSignersJws2 =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6IjEyMzQ1NiJ9..ppxZWiqN_WWp8SNbsqXO7_QdqdXPhpWDZhKko8WaTP8";
constexpr const char* kPath = "/api/v1/namespaces/kube-public/configmaps/cluster-info";

const SystemTimePoint kNow = std::chrono::sys_days{std::chrono::year{2030} / 1 / 2} + 3h;

config::BootstrapToken token(const char* value,
                             std::vector<std::string> usages = {"signing", "authentication"}) {
  config::BootstrapToken t;
  t.token = value;
  t.ttl = Duration{24 * 3600 * 1000};
  t.usages = std::move(usages);
  return t;
}

json cluster_info(json extra_data = json::object()) {
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "cluster-info"}, {"namespace", "kube-public"}}},
             {"data", {{"kubeconfig", kKubeconfig}}}};
  cm["data"].update(extra_data);
  return cm;
}

TEST(ClusterInfoSignature, EqualsTheSignersForAKnownVector) {
  auto sigs = missing_signatures(cluster_info(), {token(kToken), token(kToken2)}, kNow);
  ASSERT_TRUE(sigs) << sigs.error().text();
  EXPECT_EQ(*sigs, (std::map<std::string, std::string>{{"jws-kubeconfig-abcdef", kSignersJws},
                                                       {"jws-kubeconfig-123456", kSignersJws2}}));
}

TEST(ClusterInfoSignature, OnlyTokensTheSignerSigns) {
  EXPECT_TRUE(signs_cluster_info(token(kToken), kNow).value());
  EXPECT_TRUE(signs_cluster_info(token(kToken, {"signing"}), kNow).value());
  EXPECT_FALSE(signs_cluster_info(token(kToken, {"authentication"}), kNow).value());
  EXPECT_FALSE(signs_cluster_info(token(kToken, {}), kNow).value());

  auto never = token(kToken);
  never.ttl = Duration{0};
  EXPECT_TRUE(signs_cluster_info(never, kNow).value());
  auto expired = token(kToken);
  expired.expires = kNow - 1s;
  EXPECT_FALSE(signs_cluster_info(expired, kNow).value());
  auto later = token(kToken);
  later.expires = kNow + 1h;
  EXPECT_TRUE(signs_cluster_info(later, kNow).value());

  auto sigs =
      missing_signatures(cluster_info(), {token(kToken, {"authentication"}), expired}, kNow);
  ASSERT_TRUE(sigs);
  EXPECT_TRUE(sigs->empty());
}

TEST(ClusterInfoSignature, SkipsEntriesAlreadyRightAndReplacesWrongOnes) {
  auto right = missing_signatures(cluster_info({{"jws-kubeconfig-abcdef", kSignersJws}}),
                                  {token(kToken)}, kNow);
  ASSERT_TRUE(right);
  EXPECT_TRUE(right->empty());
  auto wrong = missing_signatures(cluster_info({{"jws-kubeconfig-abcdef", kSignersJws2}}),
                                  {token(kToken)}, kNow);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->at("jws-kubeconfig-abcdef"), kSignersJws);
}

TEST(ClusterInfoSignature, RefusesWhatCannotBeSigned) {
  json no_kubeconfig = cluster_info();
  no_kubeconfig["data"].erase("kubeconfig");
  auto r = missing_signatures(no_kubeconfig, {token(kToken)}, kNow);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("no \"kubeconfig\" key"), std::string::npos);

  auto bad = missing_signatures(cluster_info(), {token("abcdef.0123456789ABCDEF")}, kNow);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().text().find("0123456789ABCDEF"), std::string::npos) << bad.error().text();
}

TEST(ClusterInfoSignature, MergePatchSetsOnlyTheseKeysUnderTheReadVersion) {
  json cm = cluster_info();
  EXPECT_EQ(signature_merge_patch(cm, {{"jws-kubeconfig-abcdef", "x"}}),
            json({{"data", {{"jws-kubeconfig-abcdef", "x"}}}}));
  cm["metadata"]["resourceVersion"] = "42";
  EXPECT_EQ(signature_merge_patch(cm, {{"jws-kubeconfig-abcdef", "x"}}),
            json({{"data", {{"jws-kubeconfig-abcdef", "x"}}},
                  {"metadata", {{"resourceVersion", "42"}}}}));
}

// --- through the API seam -----------------------------------------------------------------------

TEST(SignClusterInfo, MergePatchKeepsOtherKeysAndSignsOnlySigningTokens) {
  test::FakeApiServer api;
  api.put(kPath, cluster_info({{"jws-kubeconfig-zzzzzz", "another token's signature"},
                               {"unrelated", "kept"}}));
  test::LogCapture log;
  auto ids = clusterobjects::sign_cluster_info(
      api, {token(kToken), token(kToken2, {"authentication"})}, kNow);
  ASSERT_TRUE(ids) << ids.error().text();
  EXPECT_EQ(*ids, std::vector<std::string>{"abcdef"});

  const json& data = api.at(kPath)["data"];
  EXPECT_EQ(data, json({{"kubeconfig", kKubeconfig},
                        {"jws-kubeconfig-zzzzzz", "another token's signature"},
                        {"unrelated", "kept"},
                        {"jws-kubeconfig-abcdef", kSignersJws}}));
  const auto& patch = api.requests.back();
  EXPECT_EQ(patch.method, "PATCH");
  EXPECT_EQ(patch.content_type, "application/merge-patch+json");
  EXPECT_EQ(patch.body->at("data").size(), 1u);  // only the new entry travels
  EXPECT_EQ(log.str().find("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(log.str().find(kSignersJws), std::string::npos);
}

TEST(SignClusterInfo, NothingToWriteWhenSignedOrNoSigningToken) {
  test::FakeApiServer api;
  api.put(kPath, cluster_info({{"jws-kubeconfig-abcdef", kSignersJws}}));
  auto ids = clusterobjects::sign_cluster_info(api, {token(kToken), token(kToken2, {})}, kNow);
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
  ASSERT_EQ(api.requests.size(), 1u);
  EXPECT_EQ(api.requests[0].method, "GET");
}

TEST(SignClusterInfo, SignsWhatWasJustWrittenWithoutReadingIt) {
  test::FakeApiServer api;
  api.put(kPath, cluster_info());
  auto ids = clusterobjects::sign_cluster_info(api, {token(kToken)}, kNow, api.at(kPath));
  ASSERT_TRUE(ids);
  ASSERT_EQ(api.requests.size(), 1u);
  EXPECT_EQ(api.requests[0].method, "PATCH");
  EXPECT_EQ(api.requests[0].body->at("metadata").at("resourceVersion"), "1");
  EXPECT_EQ(api.at(kPath)["data"]["jws-kubeconfig-abcdef"], kSignersJws);
}

TEST(SignClusterInfo, ContentChangedMeanwhileIsReadAndSignedAgain) {
  test::FakeApiServer api;
  api.put(kPath, cluster_info());
  const json stale = api.at(kPath);
  const std::string changed = std::string(kKubeconfig) + "# changed\n";
  int writes = 0;
  api.before_write = [&](const apiclient::Request&) -> std::optional<int> {
    if (++writes == 1) {  // another writer updates the kubeconfig first
      json cm = api.at(kPath);
      cm["data"]["kubeconfig"] = changed;
      api.put(kPath, cm);
    }
    return std::nullopt;
  };
  auto ids = clusterobjects::sign_cluster_info(api, {token(kToken)}, kNow, stale);
  ASSERT_TRUE(ids) << ids.error().text();
  EXPECT_EQ(writes, 2);
  const json& data = api.at(kPath)["data"];
  EXPECT_EQ(data["kubeconfig"], changed);
  EXPECT_TRUE(detached_signature_is_valid(data["jws-kubeconfig-abcdef"].get<std::string>(), changed,
                                          "abcdef", "0123456789abcdef"));
}

TEST(SignClusterInfo, ErrorsComeBackAsApiErrors) {
  test::FakeApiServer api;
  auto missing = clusterobjects::sign_cluster_info(api, {token(kToken)}, kNow);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is_not_found());

  api.put(kPath, cluster_info());
  api.before_write = [](const apiclient::Request&) -> std::optional<int> { return 403; };
  auto refused = clusterobjects::sign_cluster_info(api, {token(kToken)}, kNow);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is_forbidden());
  EXPECT_FALSE(api.at(kPath)["data"].contains("jws-kubeconfig-abcdef"));
}

}  // namespace
}  // namespace kadm::token
