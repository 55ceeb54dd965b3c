#include "parent_command.h"

namespace kadm::cli {

CLI::App* parent_command(CLI::App& root, const std::string& name, const std::string& description) {
  // CLI11 2.1 has no non-throwing lookup by name.
  auto found = root.get_subcommands([&name](CLI::App* a) { return a->get_name() == name; });
  if (!found.empty()) return found.front();
  auto* cmd = root.add_subcommand(name, description);
  cmd->require_subcommand(1);
  return cmd;
}

}  // namespace kadm::cli
