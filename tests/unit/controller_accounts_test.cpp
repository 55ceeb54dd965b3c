// The controller-manager's ServiceAccounts init creates ahead of it: which names the cluster's RBAC
// bootstrap policy gives, which are missing, and the requests that create them.

#include "clusterobjects/controller_accounts.h"

#include <gtest/gtest.h>

#include "lib/fake_api_server.h"

namespace kadm::clusterobjects {
namespace {

using apiclient::json;

json binding(const std::string& name, const json& subjects) {
  return {{"metadata", {{"name", name}}}, {"subjects", subjects}};
}

json account_subject(const std::string& name, const std::string& ns = "kube-system") {
  return {{"kind", "ServiceAccount"}, {"name", name}, {"namespace", ns}};
}

json list_of(std::vector<json> items) { return {{"items", items}}; }

const std::string kClusterBindings = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
const std::string kRoleBindings =
    "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings";
const std::string kAccounts = "/api/v1/namespaces/kube-system/serviceaccounts";

TEST(ControllerAccounts, NamesAreTheControllerBindingsOwnAccounts) {
  json cluster = list_of({
      binding("system:controller:node-controller",
              json::array({account_subject("node-controller")})),
      binding("system:controller:job-controller", json::array({account_subject("job-controller")})),
      // Not a controller's binding, though its subject is an account.
      binding("system:kube-dns", json::array({account_subject("kube-dns")})),
      // A controller's name, but bound to a user or an account elsewhere.
      binding("system:controller:odd", json::array({{{"kind", "User"}, {"name", "odd"}}})),
      binding("system:controller:far", json::array({account_subject("far", "default")})),
      // Bound to an account of another name.
      binding("system:controller:alias", json::array({account_subject("other")})),
      binding("system:controller:", json::array({account_subject("")})),
      binding("system:controller:nosubjects", nullptr),
      // Run only with a cloud provider: a cluster kubeadm starts has no such account.
      binding("system:controller:route-controller",
              json::array({account_subject("route-controller")})),
  });
  json roles = list_of({
      binding("system:controller:bootstrap-signer",
              json::array({account_subject("bootstrap-signer")})),
      binding("system:controller:job-controller", json::array({account_subject("job-controller")})),
  });
  EXPECT_EQ(controller_account_names(cluster, roles),
            (std::vector<std::string>{"bootstrap-signer", "job-controller", "node-controller"}));
  EXPECT_TRUE(controller_account_names(json::object(), nullptr).empty());
}

TEST(ControllerAccounts, OnlyTheMissingOnesAreMade) {
  json existing = list_of({{{"metadata", {{"name", "job-controller"}}}}, json::object()});
  EXPECT_EQ(missing_accounts({"bootstrap-signer", "job-controller", "node-controller"}, existing),
            (std::vector<std::string>{"bootstrap-signer", "node-controller"}));
  json sa = controller_account("node-controller");
  EXPECT_EQ(sa["kind"], "ServiceAccount");
  EXPECT_EQ(sa["metadata"]["namespace"], "kube-system");
  EXPECT_EQ(sa["metadata"].size(), 2u);
}

TEST(ControllerAccounts, FollowTheControllerManagersFlag) {
  config::ClusterConfiguration c;
  EXPECT_TRUE(controller_manager_uses_accounts(c));
  c.controller_manager.extra_args = {{"use-service-account-credentials", "False"}};
  EXPECT_FALSE(controller_manager_uses_accounts(c));
  c.controller_manager.extra_args.push_back({"use-service-account-credentials", "true"});
  EXPECT_TRUE(controller_manager_uses_accounts(c));
  c.controller_manager.extra_args = {{"use-service-account-credentials", "0"}};
  EXPECT_FALSE(controller_manager_uses_accounts(c));
}

TEST(ControllerAccounts, CreatesTheMissingAndCountsOnlyItsOwn) {
  test::FakeApiServer api;
  api.put(kClusterBindings, list_of({binding("system:controller:node-controller",
                                             json::array({account_subject("node-controller")})),
                                     binding("system:controller:job-controller",
                                             json::array({account_subject("job-controller")})),
                                     binding("system:controller:ttl-controller",
                                             json::array({account_subject("ttl-controller")}))}));
  api.put(kRoleBindings, list_of({}));
  api.put(kAccounts, list_of({{{"metadata", {{"name", "job-controller"}}}}}));
  // The controller-manager made this one after the list was read.
  api.put(kAccounts + "/ttl-controller", controller_account("ttl-controller"));
  auto created = create_controller_accounts(api);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(*created, 1);
  EXPECT_TRUE(api.objects.contains(kAccounts + "/node-controller"));
  EXPECT_FALSE(api.objects.contains(kAccounts + "/job-controller"));
  int posts = 0;
  for (const auto& r : api.requests) posts += r.method == "POST";
  EXPECT_EQ(posts, 2);
}

// Refuses every POST as RBAC would, before it allows admin.conf's group.
class RefusingWrites final : public apiclient::Client {
 public:
  explicit RefusingWrites(test::FakeApiServer& api) : m_api(api) {}
  apiclient::ApiResult<json> send(const apiclient::Request& r) override {
    if (r.method == "POST")
      return std::unexpected(apiclient::error_from_response(r.method, r.path, 403, "{}"));
    return m_api.send(r);
  }

 private:
  test::FakeApiServer& m_api;
};

TEST(ControllerAccounts, AFailedReadOrWriteIsReported) {
  test::FakeApiServer api;
  auto r = create_controller_accounts(api);  // no bindings to read
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_not_found());
  api.put(kClusterBindings, list_of({binding("system:controller:node-controller",
                                             json::array({account_subject("node-controller")}))}));
  api.put(kRoleBindings, list_of({}));
  api.put(kAccounts, list_of({}));
  RefusingWrites refusing(api);
  r = create_controller_accounts(refusing);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_forbidden());
}

}  // namespace
}  // namespace kadm::clusterobjects
