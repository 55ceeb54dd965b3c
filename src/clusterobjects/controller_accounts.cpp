#include "clusterobjects/controller_accounts.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"

namespace kadm::clusterobjects {

using apiclient::json;
using apiclient::kKubeSystem;
using apiclient::member;
using apiclient::text_member;

namespace {

constexpr std::string_view kControllerPrefix = "system:controller:";

// Bound by the RBAC bootstrap policy, but kube-controller-manager runs them only when configured
// to (a cloud provider; --controllers): the cluster it starts has no such account, so neither does
// one kadm starts. The controller-manager makes them itself when it does run them.
constexpr std::array<std::string_view, 4> kRunOnlyWhenConfigured = {
    "cloud-provider", "route-controller", "selinux-warning-controller", "service-controller"};

void add_bound_accounts(const json& bindings, std::vector<std::string>& out) {
  for (const auto& binding : member(bindings, "items")) {
    const std::string name = text_member(member(binding, "metadata"), "name");
    if (!name.starts_with(kControllerPrefix)) continue;
    const std::string account = name.substr(kControllerPrefix.size());
    const bool bound = std::ranges::any_of(member(binding, "subjects"), [&](const json& s) {
      return text_member(s, "kind") == "ServiceAccount" &&
             text_member(s, "namespace") == kKubeSystem && text_member(s, "name") == account;
    });
    if (bound && !account.empty() &&
        std::ranges::find(kRunOnlyWhenConfigured, account) == kRunOnlyWhenConfigured.end()) {
      out.push_back(account);
    }
  }
}

}  // namespace

std::vector<std::string> controller_account_names(const json& cluster_role_bindings,
                                                  const json& role_bindings) {
  std::vector<std::string> names;
  add_bound_accounts(cluster_role_bindings, names);
  add_bound_accounts(role_bindings, names);
  std::ranges::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> missing_accounts(const std::vector<std::string>& names,
                                          const json& existing) {
  std::vector<std::string> have;
  for (const auto& sa : member(existing, "items")) {
    have.push_back(text_member(member(sa, "metadata"), "name"));
  }
  std::vector<std::string> missing;
  for (const auto& n : names) {
    if (std::ranges::find(have, n) == have.end()) missing.push_back(n);
  }
  return missing;
}

json controller_account(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata", {{"name", name}, {"namespace", kKubeSystem}}}};
}

bool controller_manager_uses_accounts(const config::ClusterConfiguration& cluster) {
  std::string value = "true";
  for (const auto& a : cluster.controller_manager.extra_args) {
    if (a.name == "use-service-account-credentials") value = a.value;
  }
  std::ranges::transform(value, value.begin(), [](unsigned char c) { return std::tolower(c); });
  // The controller-manager parses it as a Go bool.
  return value != "false" && value != "f" && value != "0";
}

apiclient::ApiResult<int> create_controller_accounts(apiclient::Client& client) {
  const std::string ns = "/namespaces/" + std::string(kKubeSystem);
  const std::string accounts = "/api/v1" + ns + "/serviceaccounts";
  auto cluster_bindings = client.list("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
  if (!cluster_bindings) return std::unexpected(std::move(cluster_bindings).error());
  auto bindings = client.list("/apis/rbac.authorization.k8s.io/v1" + ns + "/rolebindings");
  if (!bindings) return std::unexpected(std::move(bindings).error());
  auto existing = client.list(accounts);
  if (!existing) return std::unexpected(std::move(existing).error());
  int created = 0;
  for (const auto& name :
       missing_accounts(controller_account_names(*cluster_bindings, *bindings), *existing)) {
    auto r = client.create(accounts, controller_account(name));
    if (r) {
      ++created;
    } else if (!r.error().is_already_exists()) {
      return std::unexpected(std::move(r).error());
    }
  }
  return created;
}

}  // namespace kadm::clusterobjects
