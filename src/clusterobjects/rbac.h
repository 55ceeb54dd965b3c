#pragma once
// RBAC objects as JSON, for apiclient::apply_object.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kadm::clusterobjects {

using json = nlohmann::json;

struct PolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> verbs;
};
struct Subject {
  std::string kind;  // "Group", "User", "ServiceAccount"
  std::string name;
  std::string ns;  // ServiceAccount only
};
json make_role(std::string_view ns, std::string_view name, const std::vector<PolicyRule>& rules);
json make_cluster_role(std::string_view name, const std::vector<PolicyRule>& rules);
json make_role_binding(std::string_view ns, std::string_view name, std::string_view role_name,
                       const std::vector<Subject>& subjects);
json make_cluster_role_binding(std::string_view name, std::string_view cluster_role_name,
                               const std::vector<Subject>& subjects);

}  // namespace kadm::clusterobjects
