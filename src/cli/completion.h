#pragma once
// Shell completion generated from the CLI11 command tree (CLI11 has no generator of its own):
// walking the same App objects that parse the command line keeps completion and parsing in step.

#include <CLI/CLI.hpp>

#include <string>

namespace kadm::cli {

// A bash script defining _<program>() and registering it with `complete -F` for the root's name.
std::string bash_completion(const CLI::App& root);
// The bash script behind zsh's bashcompinit.
std::string zsh_completion(const CLI::App& root);

}  // namespace kadm::cli
