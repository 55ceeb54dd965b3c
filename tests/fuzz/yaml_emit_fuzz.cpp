// The YAML writer of static Pod manifests, kubeconfigs and component configs
// (common/yaml_emit.cpp, on libyaml): any JSON value written as YAML reads back (yaml-cpp, typed
// the way Kubernetes types YAML) as the same value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "common/yaml_emit.h"
#include "common/yaml_json.h"

namespace {

// YAML limits an implicit key to 1024 characters; both writers write every key implicitly
// ("key: value"), and a key that long is not one Kubernetes has (names, labels and annotation
// keys stay under 320). Such values are left out rather than written with "? " explicit keys.
bool has_long_key(const nlohmann::json& v) {
  if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (key.size() > 1000 || has_long_key(item)) return true;
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (has_long_key(item)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || has_long_key(value)) return 0;
  const std::string yaml = kadm::yaml::emit(value);
  nlohmann::json back;
  try {
    back = kadm::yaml_to_json(YAML::Load(yaml));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "written YAML does not read back: %s\n%s\n", e.what(), yaml.c_str());
    std::abort();
  }
  if (back != value) {
    std::fprintf(stderr, "value:\n%s\nYAML:\n%s\nread back:\n%s\n", value.dump().c_str(),
                 yaml.c_str(), back.dump().c_str());
    std::abort();
  }
  return 0;
}
