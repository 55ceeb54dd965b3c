#include "clusterobjects/rbac.h"

namespace kadm::clusterobjects {

namespace {

constexpr std::string_view kRbacApiVersion = "rbac.authorization.k8s.io/v1";

json rules_json(const std::vector<PolicyRule>& rules) {
  json out = json::array();
  for (const auto& r : rules) {
    json rule = {{"apiGroups", r.api_groups}, {"resources", r.resources}, {"verbs", r.verbs}};
    if (!r.resource_names.empty()) rule["resourceNames"] = r.resource_names;
    out.push_back(std::move(rule));
  }
  return out;
}

json subjects_json(const std::vector<Subject>& subjects) {
  json out = json::array();
  for (const auto& s : subjects) {
    json subject = {{"kind", s.kind}, {"name", s.name}};
    if (s.kind == "ServiceAccount") {
      subject["namespace"] = s.ns;
    } else {
      subject["apiGroup"] = "rbac.authorization.k8s.io";
    }
    out.push_back(std::move(subject));
  }
  return out;
}

}  // namespace

json make_role(std::string_view ns, std::string_view name, const std::vector<PolicyRule>& rules) {
  return {{"apiVersion", kRbacApiVersion},
          {"kind", "Role"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"rules", rules_json(rules)}};
}

json make_cluster_role(std::string_view name, const std::vector<PolicyRule>& rules) {
  return {{"apiVersion", kRbacApiVersion},
          {"kind", "ClusterRole"},
          {"metadata", {{"name", name}}},
          {"rules", rules_json(rules)}};
}

json make_role_binding(std::string_view ns, std::string_view name, std::string_view role_name,
                       const std::vector<Subject>& subjects) {
  return {{"apiVersion", kRbacApiVersion},
          {"kind", "RoleBinding"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", role_name}}},
          {"subjects", subjects_json(subjects)}};
}

json make_cluster_role_binding(std::string_view name, std::string_view cluster_role_name,
                               const std::vector<Subject>& subjects) {
  return {{"apiVersion", kRbacApiVersion},
          {"kind", "ClusterRoleBinding"},
          {"metadata", {{"name", name}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"},
            {"kind", "ClusterRole"},
            {"name", cluster_role_name}}},
          {"subjects", subjects_json(subjects)}};
}

}  // namespace kadm::clusterobjects
