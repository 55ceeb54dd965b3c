#include "apiclient/objects.h"

#include <array>

#include "token/bootstrap_token.h"
#include "token/token_secret.h"

namespace kadm::apiclient {

namespace {

struct KindInfo {
  std::string_view api_version;
  std::string_view kind;
  std::string_view resource;
  bool namespaced;
};

constexpr std::array kKinds = {
    KindInfo{"v1", "ConfigMap", "configmaps", true},
    KindInfo{"v1", "Secret", "secrets", true},
    KindInfo{"v1", "ServiceAccount", "serviceaccounts", true},
    KindInfo{"v1", "Service", "services", true},
    KindInfo{"v1", "Node", "nodes", false},
    KindInfo{"v1", "Namespace", "namespaces", false},
    KindInfo{"apps/v1", "Deployment", "deployments", true},
    KindInfo{"apps/v1", "DaemonSet", "daemonsets", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "Role", "roles", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false},
    KindInfo{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false},
};

constexpr std::string_view kRbacApiVersion = "rbac.authorization.k8s.io/v1";
constexpr std::string_view kTokenSecretSelector =
    "?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken";

std::string str_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string namespaced(std::string_view prefix, std::string_view ns, std::string_view resource,
                       std::string_view name) {
  std::string p =
      std::string(prefix) + "/namespaces/" + std::string(ns) + "/" + std::string(resource);
  if (!name.empty()) p += "/" + std::string(name);
  return p;
}

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

ApiError validation_error(std::string message) {
  return ApiError(Error(ErrorKind::Validation, std::move(message)));
}

}  // namespace

Result<std::string> collection_path(const json& object) {
  if (!object.is_object()) return fail(ErrorKind::Validation, "the object is not a JSON object");
  std::string api_version = str_field(object, "apiVersion");
  std::string kind = str_field(object, "kind");
  std::string ns;
  if (auto md = object.find("metadata"); md != object.end() && md->is_object()) {
    ns = str_field(*md, "namespace");
  }
  for (const auto& k : kKinds) {
    if (k.api_version != api_version || k.kind != kind) continue;
    std::string prefix = api_version == "v1" ? "/api/v1" : "/apis/" + api_version;
    if (!k.namespaced) return prefix + "/" + std::string(k.resource);
    if (ns.empty()) {
      return fail(ErrorKind::Validation, kind + " needs metadata.namespace");
    }
    return namespaced(prefix, ns, k.resource, "");
  }
  return fail(ErrorKind::Validation,
              "no API path known for apiVersion \"" + api_version + "\" kind \"" + kind + "\"");
}

Result<std::string> object_path(const json& object) {
  std::string collection = KADM_TRY(collection_path(object));
  std::string name = str_field(object.value("metadata", json::object()), "name");
  if (name.empty()) return fail(ErrorKind::Validation, "the object has no metadata.name");
  return collection + "/" + name;
}

std::string secret_path(std::string_view ns, std::string_view name) {
  return namespaced("/api/v1", ns, "secrets", name);
}
std::string configmap_path(std::string_view ns, std::string_view name) {
  return namespaced("/api/v1", ns, "configmaps", name);
}
std::string node_path(std::string_view name) { return "/api/v1/nodes/" + std::string(name); }

ApiResult<json> apply_object(Client& client, const json& object) {
  auto path = collection_path(object);
  if (!path) return std::unexpected(ApiError(std::move(path).error()));
  return client.create_or_update(*path, object);
}

ApiResult<std::vector<json>> list_bootstrap_token_secrets(Client& client) {
  auto list = client.list(secret_path(kKubeSystem) + std::string(kTokenSecretSelector));
  if (!list) return std::unexpected(std::move(list).error());
  std::vector<json> items;
  if (list->is_object()) {
    if (auto it = list->find("items"); it != list->end() && it->is_array()) {
      for (const auto& item : *it) items.push_back(item);
    }
  }
  return items;
}

ApiResult<json> create_token_secret(Client& client, const config::BootstrapToken& token,
                                    SystemTimePoint now) {
  auto secret = token::token_to_secret(token, now);
  if (!secret) return std::unexpected(ApiError(std::move(secret).error()));
  std::string name = (*secret)["metadata"]["name"];
  auto existing = client.get(secret_path(kKubeSystem, name));
  if (existing) {
    std::string id = name.substr(token::kSecretNamePrefix.size());
    return std::unexpected(ApiError(ErrorKind::Conflict,
                                    "a token with id \"" + id + "\" already exists", 409,
                                    "AlreadyExists"));
  }
  if (!existing.error().is_not_found()) return existing;
  return client.create(secret_path(kKubeSystem), *secret);
}

ApiResult<json> create_or_update_token_secret(Client& client, const config::BootstrapToken& token,
                                              SystemTimePoint now) {
  auto secret = token::token_to_secret(token, now);
  if (!secret) return std::unexpected(ApiError(std::move(secret).error()));
  return client.create_or_update(secret_path(kKubeSystem), *secret);
}

ApiResult<json> delete_token_secret(Client& client, std::string_view token_id) {
  if (!token::is_valid_token_id(token_id)) {
    return std::unexpected(
        validation_error("\"" + std::string(token_id) + "\" is not a valid bootstrap token id"));
  }
  return client.remove(secret_path(kKubeSystem, token::secret_name(token_id)));
}

ApiResult<json> get_configmap(Client& client, std::string_view ns, std::string_view name) {
  return client.get(configmap_path(ns, name));
}

ApiResult<json> update_configmap(Client& client, const json& configmap) {
  auto path = object_path(configmap);
  if (!path) return std::unexpected(ApiError(std::move(path).error()));
  return client.update(*path, configmap);
}

ApiResult<json> get_node(Client& client, std::string_view name) {
  return client.get(node_path(name));
}

ApiResult<json> patch_node(Client& client, std::string_view name, const json& patch,
                           PatchType type) {
  return client.patch(node_path(name), patch, type);
}

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

}  // namespace kadm::apiclient
