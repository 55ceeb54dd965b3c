// `kadm reset` and `kadm reset phase ...`: flags + ResetConfiguration → the reset workflow.

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "config/defaults.h"
#include "config/load.h"
#include "config/validate.h"
#include "flag_binders.h"
#include "host/linux_host.h"
#include "phase_commands.h"
#include "registry.h"
#include "reset/reset_phases.h"

namespace kadm::cli {
namespace {

struct ResetFlags {
  std::optional<bool> force;
  std::optional<bool> dry_run;
  std::optional<bool> cleanup_tmp_dir;
  std::optional<std::string> cert_dir;
  std::optional<std::string> kubeconfig;
  std::optional<std::string> config_path;
  std::optional<std::vector<std::string>> ignore_preflight_errors;
  std::optional<std::vector<std::string>> skip_phases;
  std::optional<std::string> cri_socket;
};

const workflow::Workflow<reset::ResetData>& reset_workflow() {
  static const workflow::Workflow<reset::ResetData> wf(reset::reset_phases());
  return wf;
}

// The ResetConfiguration from --config (defaulted, validated) or the defaults; flags win.
Result<config::ResetConfiguration> load_reset_configuration(const ResetFlags& f) {
  config::ResetConfiguration cfg;
  if (f.config_path) {
    auto loaded = KADM_TRY(config::load_config_file(*f.config_path));
    for (const auto& w : loaded.warnings) spdlog::warn("[config] {}", w);
    if (!loaded.reset) {
      return fail(ErrorKind::Validation,
                  *f.config_path +
                      " has no ResetConfiguration document; kadm reset reads only "
                      "that kind");
    }
    cfg = *loaded.reset;
  }
  if (f.force) cfg.force = *f.force;
  if (f.dry_run) cfg.dry_run = *f.dry_run;
  if (f.cleanup_tmp_dir) cfg.cleanup_tmp_dir = *f.cleanup_tmp_dir;
  if (f.cert_dir) cfg.certificates_dir = *f.cert_dir;
  if (f.cri_socket) cfg.cri_socket = *f.cri_socket;
  if (f.ignore_preflight_errors) cfg.ignore_preflight_errors = *f.ignore_preflight_errors;
  if (f.skip_phases) cfg.skip_phases = *f.skip_phases;
  config::set_reset_defaults(cfg);
  KADM_TRY(config::to_status(config::validate_reset(cfg)));
  return cfg;
}

Result<std::unique_ptr<reset::ResetData>> make_reset_data(const config::ResetConfiguration& cfg,
                                                          const ResetFlags& f) {
  auto data = std::make_unique<reset::ResetData>();
  auto& o = data->options;
  o.force = cfg.force;
  o.cleanup_tmp_dir = cfg.cleanup_tmp_dir;
  o.ignore_preflight_errors = cfg.ignore_preflight_errors;
  o.unmount_flags = cfg.unmount_flags;
  o.cri_socket = cfg.cri_socket;
  if (f.kubeconfig) o.kubeconfig_path = *f.kubeconfig;
  data->paths.cert_dir = cfg.certificates_dir;
  set_run_environment(*data, cfg.dry_run, false);
  data->in = &std::cin;
  return data;
}

Status run_reset(const ResetFlags& flags, const std::string& filter) {
  auto data = KADM_TRY(run_phase_workflow<reset::ResetData>(
      reset_workflow(), filter, flags.skip_phases,
      [&](std::vector<std::string>& config_skip) -> Result<std::unique_ptr<reset::ResetData>> {
        auto cfg = KADM_TRY(load_reset_configuration(flags));
        config_skip = cfg.skip_phases;
        return make_reset_data(cfg, flags);
      }));
  if (filter.empty() || filter == "cleanup-node") reset::print_leftovers(*data->out);
  return {};
}

void add_command_flags(CLI::App* app, ResetFlags& f) {
  bind_flag(app, "-f,--force", f.force, "Reset the node without asking for confirmation");
  bind_flag(app, "--dry-run", f.dry_run, "Do not change any state, just output what would be done");
  bind_flag(app, "--cleanup-tmp-dir", f.cleanup_tmp_dir,
            "Also delete the contents of the \"/etc/kubernetes/tmp\" directory");
  bind_text(app, "--cert-dir", f.cert_dir,
            "The path to the directory where the certificates are stored (default "
            "\"/etc/kubernetes/pki\")");
  bind_text(app, "--kubeconfig", f.kubeconfig,
            "The kubeconfig file to use when talking to the cluster (default "
            "\"/etc/kubernetes/admin.conf\")");
  bind_text(app, "--config", f.config_path,
            "Path to a kadm configuration file (ResetConfiguration)");
  bind_list(app, "--ignore-preflight-errors", f.ignore_preflight_errors,
            "A list of checks whose errors will be shown as warnings, or 'all'");
  bind_list(app, "--skip-phases", f.skip_phases, "List of phases to be skipped");
  bind_text(app, "--cri-socket", f.cri_socket, "Path to the CRI socket to connect to");
}

const Registrar reg(30, "reset", [](CLI::App& root, Context& ctx) {
  auto flags = std::make_shared<ResetFlags>();
  add_workflow_command<reset::ResetData>(
      root, ctx, "reset",
      "Performs a best effort revert of changes made to this host by 'kadm init' or 'kadm join'",
      reset_workflow(), [flags](CLI::App* app) { add_command_flags(app, *flags); },
      [flags](const std::string& filter) { return run_reset(*flags, filter); });
});

}  // namespace
}  // namespace kadm::cli
