#include "clusterobjects/controller_accounts.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "apiclient/objects.h"

namespace kadm::clusterobjects {

using apiclient::json;
using apiclient::kKubeSystem;

namespace {

constexpr std::string_view kControllerPrefix = "system:controller:";

// Bound by the RBAC bootstrap policy, but kube-controller-manager runs them only when configured
// to (a cloud provider; --controllers): the cluster it starts has no such account, so neither does
// one kadm starts. The controller-manager makes them itself when it does run them.
constexpr std::array<std::string_view, 4> kRunOnlyWhenConfigured = {
    "cloud-provider", "route-controller", "selinux-warning-controller", "service-controller"};

const json& items_of(const json& list) {
  static const json none = json::array();
  if (!list.is_object()) return none;
  auto it = list.find("items");
  return it != list.end() && it->is_array() ? *it : none;
}

std::string string_at(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

void add_bound_accounts(const json& bindings, std::vector<std::string>& out) {
  for (const auto& binding : items_of(bindings)) {
    const std::string name = string_at(binding.value("metadata", json::object()), "name");
    if (!name.starts_with(kControllerPrefix)) continue;
    const std::string account = name.substr(kControllerPrefix.size());
    const json subjects = binding.value("subjects", json::array());
    if (!subjects.is_array()) continue;
    const bool bound = std::ranges::any_of(subjects, [&](const json& s) {
      return string_at(s, "kind") == "ServiceAccount" && string_at(s, "namespace") == kKubeSystem &&
             string_at(s, "name") == account;
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
  for (const auto& sa : items_of(existing)) {
    have.push_back(string_at(sa.value("metadata", json::object()), "name"));
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
  auto cluster_bindings = client.list("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
  if (!cluster_bindings) return std::unexpected(std::move(cluster_bindings).error());
  auto bindings = client.list("/apis/rbac.authorization.k8s.io/v1" + ns + "/rolebindings");
  if (!bindings) return std::unexpected(std::move(bindings).error());
  auto existing = client.list("/api/v1" + ns + "/serviceaccounts");
  if (!existing) return std::unexpected(std::move(existing).error());
  int created = 0;
  for (const auto& name :
       missing_accounts(controller_account_names(*cluster_bindings, *bindings), *existing)) {
    auto r = client.create("/api/v1" + ns + "/serviceaccounts", controller_account(name));
    if (r) {
      ++created;
    } else if (!r.error().is_already_exists()) {
      return std::unexpected(std::move(r).error());
    }
  }
  return created;
}

}  // namespace kadm::clusterobjects
