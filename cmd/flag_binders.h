#pragma once
// Binds one command-line option to an optional field of config::InitFlags / JoinFlags. The
// field stays nullopt unless the option is given, so "given" and "given with the default value"
// stay distinguishable; that is what the --config mixing rule needs.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kadm::cli {

void bind_text(CLI::App* app, const std::string& name, std::optional<std::string>& out,
               const std::string& help);
void bind_number(CLI::App* app, const std::string& name, std::optional<int>& out,
                 const std::string& help);
/// Comma-separated and repeatable, like kubeadm's string slices.
void bind_list(CLI::App* app, const std::string& name, std::optional<std::vector<std::string>>& out,
               const std::string& help);
/// "--flag" and "--flag=false" both work.
void bind_flag(CLI::App* app, const std::string& name, std::optional<bool>& out,
               const std::string& help);

}  // namespace kadm::cli
