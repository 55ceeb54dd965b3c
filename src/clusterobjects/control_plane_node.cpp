#include "clusterobjects/control_plane_node.h"

#include "apiclient/json_access.h"
#include "common/strings.h"

namespace kadm::clusterobjects {

namespace {

json taint_json(const config::Taint& t) {
  json j = {{"key", t.key}, {"effect", t.effect}};
  if (!t.value.empty()) j["value"] = t.value;
  return j;
}

bool same_taint(const json& existing, const config::Taint& t) {
  return apiclient::text_member(existing, "key") == t.key &&
         apiclient::text_member(existing, "effect") == t.effect;
}

}  // namespace

ControlPlaneMarks control_plane_marks(const ObjectRules& rules,
                                      const std::optional<std::vector<config::Taint>>& taints) {
  ControlPlaneMarks m;
  for (auto l : rules.control_plane_labels) m.labels.emplace_back(l);
  if (taints) {
    m.taints = *taints;
  } else {
    for (auto key : rules.control_plane_taint_keys) {
      m.taints.push_back({std::string(key), "", "NoSchedule"});
    }
  }
  return m;
}

json control_plane_node_patch(const json& node, const ControlPlaneMarks& marks) {
  json patch = json::object();
  // A Node as the API returned it: `null` or missing members read as empty.
  const json& labels = apiclient::member(apiclient::member(node, "metadata"), "labels");
  for (const auto& l : marks.labels) {
    if (!labels.contains(l)) patch["metadata"]["labels"][l] = "";
  }
  json taints = json::array();
  if (const json& existing = apiclient::member(apiclient::member(node, "spec"), "taints");
      existing.is_array()) {
    taints = existing;
  }
  bool added = false;
  for (const auto& t : marks.taints) {
    bool present = false;
    for (const auto& e : taints) present = present || same_taint(e, t);
    if (!present) {
      taints.push_back(taint_json(t));
      added = true;
    }
  }
  // A merge patch replaces lists, so the whole list (old + new) is sent.
  if (added) patch["spec"]["taints"] = taints;
  return patch.empty() ? json(nullptr) : patch;
}

std::string taint_string(const config::Taint& t) {
  return t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
}

std::string labels_message(const ObjectRules& rules, const std::string& node,
                           const ControlPlaneMarks& marks) {
  if (rules.legacy_labels_message && marks.labels.size() == 2) {
    // The v1.20-era wording, naming the deprecated label second.
    return "Marking the node " + node + " as control-plane by adding the labels \"" +
           marks.labels[0] + "=''\" and \"" + marks.labels[1] + "='' (deprecated)\"";
  }
  return "Marking the node " + node + " as control-plane by adding the labels: [" +
         str::join(marks.labels, " ") + "]";
}

std::string taints_message(const std::string& node, const ControlPlaneMarks& marks) {
  std::vector<std::string> taints;
  for (const auto& t : marks.taints) taints.push_back(taint_string(t));
  return "Marking the node " + node + " as control-plane by adding the taints [" +
         str::join(taints, " ") + "]";
}

}  // namespace kadm::clusterobjects
