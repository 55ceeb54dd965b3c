// `kadm completion bash|zsh`: prints a completion script generated from the command tree.

#include <iostream>

#include "cli/completion.h"
#include "registry.h"

namespace kadm::cli {
namespace {

Status run_completion(const CLI::App& root, const std::string& shell) {
  if (shell == "bash") {
    std::cout << bash_completion(root);
  } else if (shell == "zsh") {
    std::cout << zsh_completion(root);
  } else {
    return fail(ErrorKind::Validation, "unsupported shell \"" + shell + "\": use one of bash, zsh");
  }
  return {};
}

const Registrar reg(950, "completion", [](CLI::App& root, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand(
      "completion", "Output shell completion code for the specified shell (bash or zsh)");
  cmd->add_option("shell", *shell, "bash or zsh")->required();
  cmd->footer(
      "Load it in the current shell with: source <(kadm completion bash)\n"
      "The packages install it to share/bash-completion/completions/kadm.");
  CLI::App* app = &root;
  on_run(cmd, ctx, [app, shell] { return run_completion(*app, *shell); });
});

}  // namespace
}  // namespace kadm::cli
