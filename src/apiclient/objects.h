#pragma once
// Typed access over Client: object paths and the generic objects init, join and upgrade read.

#include <string>
#include <string_view>
#include <vector>

#include "apiclient/client.h"
#include "common/time_format.h"

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

// --- ConfigMaps, Nodes -----------------------------------------------------------------------
ApiResult<json> get_configmap(Client& client, std::string_view ns, std::string_view name);
ApiResult<json> update_configmap(Client& client, const json& configmap);
ApiResult<json> get_node(Client& client, std::string_view name);
ApiResult<json> patch_node(Client& client, std::string_view name, const json& patch,
                           PatchType type = PatchType::StrategicMerge);

}  // namespace kadm::apiclient
