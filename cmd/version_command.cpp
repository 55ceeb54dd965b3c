#include <nlohmann/json.hpp>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "common/yaml_emit.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct VersionOptions {
  std::string output;
};

constexpr std::string_view kPlatform =
#if defined(__x86_64__)
    "linux/amd64";
#elif defined(__aarch64__)
    "linux/arm64";
#else
    "linux/unknown";
#endif

struct InfoField {
  std::string go_name;    // as kubeadm's "&version.Info{...}" line spells it
  std::string json_name;  // as its -o json/yaml spell it
  std::string value;
};

// kubeadm's version.Info fields in its order; kadm has no Go toolchain, so goVersion is empty.
std::vector<InfoField> version_info() {
  auto parts = str::split(KADM_VERSION, '.');
  auto part = [&](size_t i) { return i < parts.size() ? parts[i] : std::string(); };
  return {{"Major", "major", part(0)},
          {"Minor", "minor", part(1)},
          {"GitVersion", "gitVersion", std::string("v") + KADM_VERSION},
          {"GitCommit", "gitCommit", ""},
          {"GitTreeState", "gitTreeState", ""},
          {"BuildDate", "buildDate", ""},
          {"GoVersion", "goVersion", ""},
          {"Compiler", "compiler", "gcc"},
          {"Platform", "platform", std::string(kPlatform)}};
}

Status run_version(const VersionOptions& o) {
  auto fields = version_info();
  if (o.output.empty()) {
    std::string line = "kadm version: &version.Info{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) line += ", ";
      line += fields[i].go_name + ":\"" + fields[i].value + "\"";
    }
    std::cout << line << "}\n";
  } else if (o.output == "short") {
    std::cout << "v" << KADM_VERSION << "\n";
  } else if (o.output == "json") {
    nlohmann::ordered_json client;
    for (const auto& f : fields) client[f.json_name] = f.value;
    std::cout << nlohmann::ordered_json{{"clientVersion", client}}.dump(2) << "\n";
  } else if (o.output == "yaml") {
    // Sorted keys (nlohmann::json's order), as kubeadm's YAML printer emits them.
    nlohmann::json client;
    for (const auto& f : fields) client[f.json_name] = f.value;
    std::cout << yaml::emit({{"clientVersion", client}});
  } else {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + o.output + "\": use one of short, json, yaml");
  }
  return {};
}

const Registrar reg(900, "version", [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<VersionOptions>();
  auto* cmd = root.add_subcommand("version", "Print the version of kadm");
  cmd->add_option("-o,--output", opts->output,
                  "Output format; available options are 'yaml', 'json' and 'short'");
  on_run(cmd, ctx, [opts] { return run_version(*opts); });
});

}  // namespace
}  // namespace kadm::cli
