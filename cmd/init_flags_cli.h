#pragma once
// One definition of the `kadm init` / `kadm join` flags, registered on the command and on each
// of its phase subcommands so they all parse the same way.

#include <CLI/CLI.hpp>

#include "config/init_flags.h"
#include "config/join_flags.h"

namespace kadm::cli {

/// Adds --config and every init flag (spec §10.4); values land in `flags` only when given.
void add_init_flags(CLI::App* app, config::InitFlags& flags);
/// Adds --config, the positional API server endpoint and every join flag (spec §7.1).
void add_join_flags(CLI::App* app, config::JoinFlags& flags);

}  // namespace kadm::cli
