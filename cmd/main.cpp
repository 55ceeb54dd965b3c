#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "certs/random_source.h"
#include "common/log.h"
#include "exit_code.h"
#include "registry.h"

int main(int argc, char** argv) {
  kadm::certs::use_hash_drbg();
  int parse_exit_code = 0;
  // Everything runs guarded: an exception no module caught ends the process with a message and
  // an exit code (cmd/exit_code.cpp) instead of std::terminate.
  auto status = kadm::cli::run_guarded([&]() -> kadm::Status {
    CLI::App app{"kadm: easily bootstrap a secure Kubernetes cluster", "kadm"};
    app.set_help_all_flag("--help-all", "Show help for all subcommands");
    app.require_subcommand(1);
    app.fallthrough();
    kadm::cli::Context ctx;
    ctx.whole_tree = kadm::cli::wants_whole_tree(argc, argv);
    app.add_option("-v,--v", ctx.globals.verbosity, "number for the log level verbosity")
        ->default_val(0);
    const std::string command = kadm::cli::command_word(argc, argv);
    kadm::cli::setup_all(app, ctx, command);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // A misspelt command: CLI11 would only say that a subcommand is required.
      if (auto unknown = kadm::cli::unknown_command(app, command); unknown && e.get_exit_code()) {
        std::fprintf(stderr, "Error: %s\n", unknown->c_str());
        parse_exit_code = kadm::cli::exit_code_for_parse(e.get_exit_code());
        return {};
      }
      parse_exit_code = kadm::cli::exit_code_for_parse(app.exit(e));
      return {};
    }
    kadm::log::init({ctx.globals.verbosity, ctx.human_to_stderr});
    if (!ctx.action) return {};
    return ctx.action();
  });
  if (!status) {
    std::fprintf(stderr, "error: %s\n", status.error().text().c_str());
    return kadm::cli::exit_code_for(status.error());
  }
  return parse_exit_code;
}
