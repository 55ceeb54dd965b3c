#pragma once
// mark-control-plane (spec §6.4): the labels and taints a control-plane Node gets, and the
// merge patch that adds them to a Node as it is now (existing taints are kept, none doubled).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clusterobjects/object_rules.h"
#include "config/types.h"

namespace kadm::clusterobjects {

using json = nlohmann::json;

struct ControlPlaneMarks {
  std::vector<std::string> labels;  // value ""
  std::vector<config::Taint> taints;
};
// nodeRegistration.taints when given (an empty list = no taint), else the version's default.
ControlPlaneMarks control_plane_marks(const ObjectRules& rules,
                                      const std::optional<std::vector<config::Taint>>& taints);

// A JSON merge patch for `node` (as read from the API) adding the marks; null when the node
// already carries all of them.
json control_plane_node_patch(const json& node, const ControlPlaneMarks& marks);

// "<key>[=<value>]:<effect>", as kubectl and kubeadm print taints.
std::string taint_string(const config::Taint& taint);

// The two lines kubeadm prints (without the "[mark-control-plane] " prefix).
std::string labels_message(const ObjectRules& rules, const std::string& node,
                           const ControlPlaneMarks& marks);
std::string taints_message(const std::string& node, const ControlPlaneMarks& marks);

}  // namespace kadm::clusterobjects
