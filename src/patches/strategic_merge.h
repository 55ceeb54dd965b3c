#pragma once
// A strategic merge patch (Kubernetes' "application/strategic-merge-patch+json") for the object
// types kubeadm patches. Like a JSON merge patch, maps merge key by key and null deletes; unlike
// it, the lists the API marks as mergeable merge element by element on their merge key
// (containers and volumes by name, volumeMounts by mountPath, env by name, ports by
// containerPort, ...) while every other list (command, args, tolerations ...) is replaced.
// Directives: `$patch: replace|delete` on a map or list element, `$retainKeys`,
// `$deleteFromPrimitiveList/<field>`. New and merged list elements are ordered as Kubernetes
// orders them: the patch's elements in the patch's order, the rest where they were.

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace kadm::patches {

// Which merge keys apply: the type of the patched object.
enum class ObjectSchema {
  Pod,
  Deployment,
  DaemonSet,
  Untyped,  // no mergeable lists (KubeletConfiguration): every list is replaced
};

// Errors are Validation errors that say what in the patch is wrong.
Result<nlohmann::json> strategic_merge(const nlohmann::json& original, const nlohmann::json& patch,
                                       ObjectSchema schema);

}  // namespace kadm::patches
