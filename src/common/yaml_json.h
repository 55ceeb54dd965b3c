#pragma once
// YAML read the way Kubernetes reads it (sigs.k8s.io/yaml over go-yaml): a document becomes
// JSON, with plain scalars typed as go-yaml types them (bool, int, float, null) and quoted
// scalars always strings.

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace kadm {

nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace kadm
