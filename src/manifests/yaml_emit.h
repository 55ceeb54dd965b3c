#pragma once
// Writes a JSON value as YAML the way Kubernetes' Go serialiser does (sigs.k8s.io/yaml over
// go-yaml v2): keys sorted, two-space indent, sequences of a mapping not indented, strings plain
// unless they would read back as another type ("true", "10", "") or YAML syntax forbids it.
// Deterministic, so golden files stay stable.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace kadm::manifests {

std::string to_go_yaml(const nlohmann::json& value);
// The scalar as it would appear after "key: " (quoted when needed).
std::string go_yaml_scalar(std::string_view s);

}  // namespace kadm::manifests
