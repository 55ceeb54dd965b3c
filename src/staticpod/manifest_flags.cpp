#include "staticpod/manifest_flags.h"

#include <yaml-cpp/yaml.h>

namespace kadm::staticpod {

void add_flag(ManifestFlags& flags, std::string_view word) {
  if (!word.starts_with("--")) return;
  const auto eq = word.find('=');
  if (eq == std::string_view::npos) {
    flags[std::string(word)] = "true";
  } else {
    flags[std::string(word.substr(0, eq))] = std::string(word.substr(eq + 1));
  }
}

Result<ManifestFlags> manifest_flags(const std::string& manifest_text, const std::string& what) {
  ManifestFlags flags;
  try {
    YAML::Node pod = YAML::Load(manifest_text);
    YAML::Node containers = pod["spec"]["containers"];
    if (!containers || !containers.IsSequence() || containers.size() == 0) {
      return fail(ErrorKind::Validation, what + ": no containers in the pod spec");
    }
    for (const char* key : {"command", "args"}) {
      YAML::Node list = containers[0][key];
      if (!list || !list.IsSequence()) continue;
      for (const auto& item : list) add_flag(flags, item.as<std::string>());
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, what + ": not a valid pod manifest: " + e.what());
  }
  return flags;
}

}  // namespace kadm::staticpod
