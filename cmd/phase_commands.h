#pragma once
// Generates "<command> phase <name> [<sub>]" subcommands from a workflow's phase tree, the way
// kubeadm does: running a phase is running the same workflow with a filter, never another code
// path. A phase with children only prints help unless it is run through its "all" entry.

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output_mode.h"
#include "registry.h"
#include "runenv/environment.h"
#include "workflow/runner.h"

namespace kadm::cli {

// A phase subcommand gets the command's flags only when the command line reaches it (or when the
// whole tree is wanted, for completion): building every phase's flags up front
// cost most of a short run's CPU (CLI11 checks each new option against all earlier ones).
inline void add_flags_when_used(CLI::App* app, const Context& ctx,
                                const std::function<void(CLI::App*)>& add_flags) {
  if (ctx.whole_tree) {
    add_flags(app);
    return;
  }
  app->preparse_callback([app, add_flags](std::size_t) { add_flags(app); });
}

template <class Data>
void add_phase_commands(CLI::App* command, const workflow::Workflow<Data>& wf, Context& ctx,
                        const std::function<void(CLI::App*)>& add_flags,
                        const std::function<Status(const std::string& filter)>& run) {
  CLI::App* phase_root =
      command->add_subcommand("phase", "Use this command to invoke single phase of the " +
                                           command->get_name() + " workflow");
  phase_root->require_subcommand(1);
  std::vector<CLI::App*> apps(wf.flat().size(), nullptr);
  for (size_t i = 0; i < wf.flat().size(); ++i) {
    const auto& flat = wf.flat()[i];
    const auto& phase = wf.at(i);
    CLI::App* parent = flat.parent < 0 ? phase_root : apps[static_cast<size_t>(flat.parent)];
    std::string help = phase.short_help;
    CLI::App* app = parent->add_subcommand(phase.name, help);
    if (!phase.long_help.empty()) app->footer(phase.long_help);
    if (phase.hidden) app->group("");
    for (const auto& alias : phase.aliases) app->alias(alias);
    apps[i] = app;
    add_flags_when_used(app, ctx, add_flags);
    // "certs all" stands for the parent's subtree; a parent's own subcommand runs its subtree too
    // when it has work of its own or no "all" child (kubeadm: "kubeadm init phase etcd" prints
    // help).
    std::string filter = flat.full_name;
    if (phase.run_all_siblings && flat.parent >= 0) {
      filter = wf.flat()[static_cast<size_t>(flat.parent)].full_name;
    }
    bool has_all_child = false;
    for (const auto& c : phase.children) has_all_child |= c.run_all_siblings;
    if (!phase.children.empty() && !phase.run && !has_all_child) {
      // Pure group without an "all" entry (e.g. "etcd"): run the whole group, as a user expects.
    } else if (!phase.children.empty() && !phase.run) {
      app->require_subcommand(1);
      continue;
    }
    on_run(app, ctx, [run, filter] { return run(filter); });
  }
}

// What every workflow run acts through, chosen here once: the effects, this machine and the
// connectors to the API, etcd and the container runtime (dry-run ones for --dry-run), and where
// human text goes (stderr while stdout carries --output json events).
template <class Data>
void set_run_environment(Data& d, bool dry_run, bool json_output) {
  auto env = runenv::choose(dry_run);
  d.effects = std::move(env.effects);
  d.host = std::move(env.host);
  d.connect = std::move(env.connect);
  d.out = json_output ? &std::cerr : &std::cout;
}

// A command that runs a phase workflow ("init", "join", "reset"): its flags on itself and on
// every "phase" subcommand, the phase list in its help, and the whole workflow when no phase is
// named. `json_output` (may be empty) reports --output json; the command's callback runs after
// any "<command> phase ..." callback, so the output mode is decided there for both, before main()
// sets up logging.
template <class Data>
CLI::App* add_workflow_command(CLI::App& root, Context& ctx, const std::string& name,
                               const std::string& help, const workflow::Workflow<Data>& wf,
                               const std::function<void(CLI::App*)>& add_flags,
                               const std::function<Status(const std::string& filter)>& run,
                               std::function<bool()> json_output = {}) {
  CLI::App* cmd = root.add_subcommand(name, help);
  add_flags(cmd);
  cmd->footer("The \"" + name + "\" command executes the following phases:\n```\n" +
              wf.help_tree() + "```");
  add_phase_commands<Data>(cmd, wf, ctx, add_flags, run);
  cmd->callback([&ctx, run, json_output = std::move(json_output)] {
    if (json_output) ctx.human_to_stderr = json_output();
    if (!ctx.action) ctx.action = [run] { return run(""); };
  });
  return cmd;
}

// Runs `wf` (or the phases `filter` names) the same way for every command: phase names are
// checked before anything is loaded, so a typo fails fast; `make_data` loads the configuration
// and reports the config file's skipPhases, which apply only when --skip-phases was not given
// (as in kubeadm). Returns the run data so the command can report on it.
template <class Data>
Result<std::unique_ptr<Data>> run_phase_workflow(
    const workflow::Workflow<Data>& wf, const std::string& filter,
    const std::optional<std::vector<std::string>>& skip_flag,
    const std::function<Result<std::unique_ptr<Data>>(std::vector<std::string>& config_skip)>&
        make_data,
    output::ProgressWriter* progress = nullptr) {
  workflow::SelectOptions sel;
  if (!filter.empty()) sel.filter = {filter};
  sel.skip = skip_flag.value_or(std::vector<std::string>{});
  KADM_TRY(wf.select(sel));
  std::vector<std::string> config_skip;
  auto data = KADM_TRY(make_data(config_skip));
  if (!skip_flag) sel.skip = config_skip;
  KADM_TRY(wf.run(
      sel, [&]() -> Result<Data*> { return data.get(); }, observer_of(progress)));
  return data;
}

}  // namespace kadm::cli
