#include "registry.h"

#include <algorithm>
#include <string_view>

#include "common/strings.h"

namespace kadm::cli {

namespace {
struct Registration {
  int order;
  std::string command;
  SetupFn setup;
};
std::vector<Registration>& table() {
  static std::vector<Registration> t;
  return t;
}
}  // namespace

Registrar::Registrar(int order, std::string command, SetupFn setup) {
  table().push_back({order, std::move(command), std::move(setup)});
}

bool wants_whole_tree(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "completion") return true;
  }
  return false;
}

std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-v" || arg == "--v") {
      ++i;  // its value
      continue;
    }
    if (arg.starts_with("-")) continue;
    return std::string(arg);
  }
  return {};
}

std::optional<std::string> unknown_command(CLI::App& root, const std::string& word) {
  if (word.empty()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto* sub : root.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == word) return std::nullopt;
    names.push_back(sub->get_name());
  }
  std::string msg = "unknown command \"" + word + "\" for \"" + root.get_name() + "\"";
  if (auto close = str::suggest(word, names); !close.empty()) {
    msg += "\n\nDid you mean this?\n\t" + close;
  }
  return msg + "\nRun '" + root.get_name() + " --help' for usage.";
}

void setup_all(CLI::App& root, Context& ctx, std::string_view command) {
  auto& t = table();
  std::stable_sort(t.begin(), t.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  bool known = std::ranges::any_of(t, [&](const auto& r) { return r.command == command; });
  for (auto& r : t) {
    if (ctx.whole_tree || !known || r.command == command) r.setup(root, ctx);
  }
}

}  // namespace kadm::cli
