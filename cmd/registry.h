#pragma once
// Each command file registers itself here, so commands stay in files of their own and main()
// only parses and dispatches. Registration order decides the order in --help.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
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

using SetupFn = std::function<void(CLI::App& root, Context& ctx)>;

struct Registrar {
  Registrar(int order, SetupFn setup);
};

void setup_all(CLI::App& root, Context& ctx);

// Sets the action of the parsed (sub)command. CLI11 runs the callbacks of the deepest parsed
// subcommand first, so the first action set wins ("init phase certs" beats "init").
inline void on_run(CLI::App* app, Context& ctx, Action action) {
  app->callback([&ctx, action = std::move(action)] {
    if (!ctx.action) ctx.action = action;
  });
}

}  // namespace kadm::cli
