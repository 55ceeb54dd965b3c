// The RBAC bootstrap race (issue 14): a freshly started kube-apiserver refuses admin.conf with
// 403 "RBAC: clusterrole ... "cluster-admin" not found" until its rbac/bootstrap-roles
// post-start hook and its informers are done. RbacBootstrapRetry sends such calls again for a
// bounded time (fake clock: no real sleeping); every other answer comes back at once.

#include "apiclient/rbac_retry.h"

#include <gtest/gtest.h>

#include "lib/fake_api_server.h"
#include "lib/fake_clock.h"

namespace kadm::apiclient {
namespace {

// What kube-apiserver answered kadm's re-run (the message of its Status object).
constexpr const char* kRolesMissing =
    "configmaps is forbidden: User \"kubernetes-admin\" cannot create resource \"configmaps\" in "
    "API group \"\" in the namespace \"kube-system\": RBAC: clusterrole.rbac.authorization.k8s.io "
    "\"cluster-admin\" not found";
constexpr const char* kPlainForbidden =
    "secrets is forbidden: User \"system:bootstrap:abcdef\" cannot list resource \"secrets\" in "
    "API group \"\" in the namespace \"kube-system\"";

ApiError forbidden(const std::string& message) {
  json status = {{"kind", "Status"}, {"reason", "Forbidden"}, {"message", message}};
  return error_from_response("POST", "/api/v1/namespaces/kube-system/configmaps", 403,
                             status.dump());
}

// Refuses the first `refusals` calls with `message` (403), then serves from a FakeApiServer.
class RefusingServer final : public Client {
 public:
  RefusingServer(int refusals, std::string message)
      : m_refusals(refusals), m_message(std::move(message)) {}
  ApiResult<json> send(const Request& r) override {
    ++calls;
    if (m_refusals > 0) {
      --m_refusals;
      return std::unexpected(forbidden(m_message));
    }
    return server.send(r);
  }
  // One ADDED event for every watch.
  ApiResult<bool> watch(const Request&, const WatchHandler& on_event) override {
    ++watches;
    return on_event({"ADDED", {{"metadata", {{"name", "n1"}}}}});
  }
  test::FakeApiServer server;
  int calls = 0;
  int watches = 0;

 private:
  int m_refusals;
  std::string m_message;
};

json configmap() {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "kubeadm-config"}, {"namespace", "kube-system"}}},
          {"data", {{"ClusterConfiguration", "x"}}}};
}

constexpr const char* kConfigMaps = "/api/v1/namespaces/kube-system/configmaps";

// A RbacBootstrapRetry (500 ms interval) over a RefusingServer, on a fake clock.
struct Retrying {
  Retrying(int refusals, const std::string& message, Duration timeout)
      : client(make(refusals, message), timeout, &clock, Duration{500}) {}
  std::unique_ptr<Client> make(int refusals, const std::string& message) {
    auto inner = std::make_unique<RefusingServer>(refusals, message);
    server = inner.get();
    return inner;
  }
  RefusingServer* server = nullptr;
  test::FakeClock clock;
  RbacBootstrapRetry client;
};

TEST(RbacRoleNotFound, OnlyThe403ThatNamesAMissingRole) {
  EXPECT_TRUE(is_rbac_role_not_found(forbidden(kRolesMissing)));
  EXPECT_TRUE(is_rbac_role_not_found(forbidden(
      "nodes is forbidden: User \"kubernetes-admin\" cannot get resource \"nodes\": RBAC: "
      "[clusterrole.rbac.authorization.k8s.io \"cluster-admin\" not found, "
      "clusterrole.rbac.authorization.k8s.io \"system:basic-user\" not found]")));
  EXPECT_TRUE(is_rbac_role_not_found(
      forbidden("pods is forbidden: User \"u\" cannot list resource \"pods\": RBAC: "
                "role.rbac.authorization.k8s.io \"reader\" not found")));
  EXPECT_FALSE(is_rbac_role_not_found(forbidden(kPlainForbidden)));
  EXPECT_FALSE(is_rbac_role_not_found(forbidden("")));
  // The same words with another status are not RBAC's refusal.
  json status = {{"kind", "Status"}, {"reason", "NotFound"}, {"message", kRolesMissing}};
  EXPECT_FALSE(is_rbac_role_not_found(error_from_response("GET", "/x", 404, status.dump())));
}

TEST(RbacBootstrapRetry, SendsTheRefusedCreateAgainUntilTheRolesExist) {
  Retrying t(3, kRolesMissing, Duration{60000});
  auto created = t.client.create(kConfigMaps, configmap());
  ASSERT_TRUE(created) << created.error().text();
  EXPECT_EQ(t.server->calls, 4);
  EXPECT_EQ(t.clock.sleeps(), (std::vector<Duration>{Duration{500}, Duration{500}, Duration{500}}));
  EXPECT_TRUE(t.server->server.objects.contains(std::string(kConfigMaps) + "/kubeadm-config"));
}

TEST(RbacBootstrapRetry, OtherAnswersComeBackAtOnce) {
  for (const char* message : {kPlainForbidden, ""}) {
    Retrying t(1, message, Duration{60000});
    auto r = t.client.create(kConfigMaps, configmap());
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is_forbidden());
    EXPECT_EQ(t.server->calls, 1);
    EXPECT_TRUE(t.clock.sleeps().empty());
  }
  Retrying t(0, "", Duration{60000});
  auto missing = t.client.get(std::string(kConfigMaps) + "/absent");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is_not_found());
  EXPECT_EQ(t.server->calls, 1);
  EXPECT_TRUE(t.clock.sleeps().empty());
}

TEST(RbacBootstrapRetry, GivesUpAtTheTimeoutKeepingThe403AndSayingWhy) {
  Retrying t(1000, kRolesMissing, Duration{2000});
  auto r = t.client.create(kConfigMaps, configmap());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_forbidden());
  EXPECT_EQ(t.server->calls, 5);  // at 0, 0.5, 1, 1.5 and 2 s
  const std::string text = r.error().text();
  EXPECT_NE(text.find("cluster-admin\" not found"), std::string::npos) << text;
  EXPECT_NE(text.find("rbac/bootstrap-roles"), std::string::npos) << text;
  EXPECT_FALSE(t.server->server.objects.contains(std::string(kConfigMaps) + "/kubeadm-config"));
}

// A wait watches through the retrying client (mark-control-plane watches for its Node): the
// watch reaches the server rather than "cannot watch", which would leave only slow polls.
TEST(RbacBootstrapRetry, PassesWatchesThrough) {
  Retrying t(0, kRolesMissing, Duration{2000});
  Request w;
  w.method = "GET";
  w.path = "/api/v1/nodes?fieldSelector=metadata.name%3Dn1&watch=1";
  std::string seen;
  auto r = t.client.watch(w, [&](const WatchEvent& ev) {
    seen = ev.type;
    return true;
  });
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(seen, "ADDED");
  EXPECT_EQ(t.server->watches, 1);
}

}  // namespace
}  // namespace kadm::apiclient
