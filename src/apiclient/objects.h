#pragma once
// Typed helpers over Client for the objects init, join and token commands touch.

#include <string>
#include <string_view>
#include <vector>

#include "apiclient/client.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::apiclient {

inline constexpr std::string_view kKubeSystem = "kube-system";
inline constexpr std::string_view kKubePublic = "kube-public";

// Collection path of an object from its apiVersion, kind and metadata.namespace, e.g.
// "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles". Known kinds only.
Result<std::string> collection_path(const json& object);
// Collection path + "/" + metadata.name.
Result<std::string> object_path(const json& object);

std::string secret_path(std::string_view ns, std::string_view name = "");
std::string configmap_path(std::string_view ns, std::string_view name = "");
std::string node_path(std::string_view name);

// create_or_update for any object whose kind collection_path knows (ConfigMap, Secret, Role,
// RoleBinding, ClusterRole, ClusterRoleBinding, ServiceAccount, ...).
ApiResult<json> apply_object(Client& client, const json& object);

// --- bootstrap tokens -------------------------------------------------------------------------
// The items of the kube-system Secrets of type bootstrap.kubernetes.io/token.
ApiResult<std::vector<json>> list_bootstrap_token_secrets(Client& client);
// Creates the token's Secret; fails with `a token with id "<id>" already exists` (Conflict) when
// one does (token create semantics).
ApiResult<json> create_token_secret(Client& client, const config::BootstrapToken& token,
                                    SystemTimePoint now);
// Creates or updates the token's Secret (init's bootstrap-token phase re-runs).
ApiResult<json> create_or_update_token_secret(Client& client, const config::BootstrapToken& token,
                                              SystemTimePoint now);
ApiResult<json> delete_token_secret(Client& client, std::string_view token_id);

// --- ConfigMaps, Nodes -----------------------------------------------------------------------
ApiResult<json> get_configmap(Client& client, std::string_view ns, std::string_view name);
ApiResult<json> update_configmap(Client& client, const json& configmap);
ApiResult<json> get_node(Client& client, std::string_view name);
ApiResult<json> patch_node(Client& client, std::string_view name, const json& patch,
                           PatchType type = PatchType::StrategicMerge);

// --- RBAC objects as JSON (for apply) ----------------------------------------------------------
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

}  // namespace kadm::apiclient
