#include <nlohmann/json.hpp>

#include <iostream>

#include "registry.h"

namespace kadm::cli {
namespace {

struct VersionOptions {
  std::string output;
};

Status run_version(const VersionOptions& o) {
  nlohmann::ordered_json info = {{"clientVersion",
                                  {{"major", "0"},
                                   {"minor", "1"},
                                   {"gitVersion", std::string("v") + KADM_VERSION},
                                   {"compiler", "gcc"},
                                   {"platform", "linux/amd64"}}}};
  if (o.output.empty()) {
    std::cout << "kadm version: &version.Info{GitVersion:\"v" << KADM_VERSION << "\"}\n";
  } else if (o.output == "short") {
    std::cout << "v" << KADM_VERSION << "\n";
  } else if (o.output == "json") {
    std::cout << info.dump(2) << "\n";
  } else if (o.output == "yaml") {
    std::cout << "clientVersion:\n  compiler: gcc\n  gitVersion: v" << KADM_VERSION
              << "\n  major: \"0\"\n  minor: \"1\"\n  platform: linux/amd64\n";
  } else {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + o.output + "\": use one of short, json, yaml");
  }
  return {};
}

const Registrar reg(900, [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<VersionOptions>();
  auto* cmd = root.add_subcommand("version", "Print the version of kadm");
  cmd->add_option("-o,--output", opts->output,
                  "Output format; available options are 'yaml', 'json' and 'short'");
  on_run(cmd, ctx, [opts] { return run_version(*opts); });
});

}  // namespace
}  // namespace kadm::cli
