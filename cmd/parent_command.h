#pragma once
// Commands such as `kadm config`, `kadm certs` and `kadm kubeconfig` are shared by several
// command files; whichever registers first creates the parent, so registration order is free.

#include <CLI/CLI.hpp>

#include <string>

namespace kadm::cli {

/// The subcommand `name` of `root`, created (requiring one subcommand) on first use.
CLI::App* parent_command(CLI::App& root, const std::string& name, const std::string& description);

}  // namespace kadm::cli
