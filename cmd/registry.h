#pragma once
// Each command file registers itself here, so commands stay in files of their own and main()
// only parses and dispatches. Registration order decides the order in --help.

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::cli {

// Global flags shared by every command.
struct Globals {
  int verbosity = 0;
};

// A command's work, run after parsing succeeded; set by the command's setup function through
// `set_action` so that exactly one action runs.
using Action = std::function<Status()>;

struct Context {
  Globals globals;
  Action action;
  // Output mode decided by the command (e.g. --output json) before logging is set up.
  bool human_to_stderr = false;
  // Every subcommand with all its flags, now (for completion); otherwise a phase
  // subcommand's flags are added when the command line reaches it.
  bool whole_tree = false;
};

// Whether argv asks for something that walks the whole command tree.
bool wants_whole_tree(int argc, char** argv);

// The command argv names: its first argument that is neither an option nor the value of -v/--v
// ("" when there is none).
std::string command_word(int argc, char** argv);

// kubeadm's message for a command word (command_word) that names no command ("unknown command
// \"initt\" for \"kadm\"", the closest command, and where to look); nullopt for a command or "".
std::optional<std::string> unknown_command(CLI::App& root, const std::string& word);

using SetupFn = std::function<void(CLI::App& root, Context& ctx)>;

// `command` is the top-level command the setup function adds to (several files may add to one,
// such as "certs").
struct Registrar {
  Registrar(int order, std::string command, SetupFn setup);
};

// Sets up only the registrations of `command` when there are some and the whole tree is not
// wanted: a run of one command does not build the others' flags, which cost most of a short
// run's CPU. Otherwise (root help, an unknown or misspelt word, completion) every command, so
// help and errors are what the whole tree gives.
void setup_all(CLI::App& root, Context& ctx, std::string_view command = {});

// Sets the action of the parsed (sub)command. CLI11 runs the callbacks of the deepest parsed
// subcommand first, so the first action set wins ("init phase certs" beats "init").
inline void on_run(CLI::App* app, Context& ctx, Action action) {
  app->callback([&ctx, action = std::move(action)] {
    if (!ctx.action) ctx.action = action;
  });
}

}  // namespace kadm::cli
