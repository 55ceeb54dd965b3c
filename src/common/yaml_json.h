#pragma once
// YAML read the way Kubernetes reads it (sigs.k8s.io/yaml over go-yaml): a document becomes
// JSON, with plain scalars typed as go-yaml types them (bool, int, float, null) and quoted
// scalars always strings.

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace kadm {

nlohmann::json yaml_to_json(const YAML::Node& node);

// YAML::LoadAll, safe on any input: yaml-cpp 0.7 (Debian 12) loops forever, taking memory on
// every turn, on some malformed streams (a stray "," is enough), because its parser keeps
// reporting another empty document. The stream is first parsed without building nodes, with at
// most one document per line; more than that is reported as malformed YAML. Throws
// YAML::Exception as LoadAll does.
std::vector<YAML::Node> yaml_load_all(const std::string& text);

// Deep-merges `over` into `base`: maps merge key by key, anything else replaces.
void yaml_merge_into(YAML::Node base, const YAML::Node& over);

}  // namespace kadm
