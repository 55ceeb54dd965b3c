// The YAML writer of static Pod manifests, kubeconfigs and component configs
// (manifests/yaml_emit.cpp): any JSON value written as YAML reads back (yaml-cpp, typed the way
// Kubernetes types YAML) as the same value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "common/yaml_json.h"
#include "manifests/yaml_emit.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  const std::string yaml = kadm::manifests::to_go_yaml(value);
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
