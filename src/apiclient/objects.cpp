#include "apiclient/objects.h"

#include <array>

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
    KindInfo{"batch/v1", "Job", "jobs", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "Role", "roles", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true},
    KindInfo{"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false},
    KindInfo{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false},
};

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

}  // namespace kadm::apiclient
