// `kadm init` and `kadm init phase ...`: flags → configuration → the init workflow.

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "config/version.h"
#include "config_source.h"
#include "host/linux_host.h"
#include "init/init_patches.h"
#include "init/init_phases.h"
#include "init/init_result.h"
#include "init/skipped_addons.h"
#include "init_flags_cli.h"
#include "output_mode.h"
#include "phase_commands.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct InitCommandState {
  config::InitFlags flags;
  bool fix = false;
  std::string kubeconfig_dir = "/etc/kubernetes";
  OutputMode output;
};

const workflow::Workflow<init::InitData>& init_workflow() {
  static const workflow::Workflow<init::InitData> wf(init::init_phases());
  return wf;
}

Result<std::unique_ptr<init::InitData>> make_init_data(const InitCommandState& st) {
  auto data = std::make_unique<init::InitData>();
  data->cfg = KADM_TRY(load_init_configuration(st.flags, &data->profile));
  data->version = KADM_TRY(config::parse_kube_version(data->cfg.cluster.kubernetes_version));
  auto& o = data->options;
  o.upload_certs = st.flags.upload_certs.value_or(false);
  o.skip_token_print = st.flags.skip_token_print.value_or(false);
  o.skip_certificate_key_print = st.flags.skip_certificate_key_print.value_or(false);
  o.ignore_preflight_errors = st.flags.ignore_preflight_errors.value_or(std::vector<std::string>{});
  o.fix_preflight = st.fix;
  o.kubeconfig_dir = st.kubeconfig_dir;
  // --dry-run chooses the run environment and nothing else.
  const bool dry_run = st.flags.dry_run.value_or(false) || data->cfg.dry_run;
  set_run_environment(*data, dry_run, st.output.json());
  return data;
}

Status run_init_workflow(const InitCommandState& st, const std::string& filter,
                         output::ProgressWriter* progress) {
  auto data = KADM_TRY(run_phase_workflow<init::InitData>(
      init_workflow(), filter, st.flags.skip_phases,
      [&](std::vector<std::string>& config_skip) -> Result<std::unique_ptr<init::InitData>> {
        auto d = KADM_TRY(make_init_data(st));
        config_skip = d->cfg.skip_phases;
        KADM_TRY(init::disable_skipped_addons(
            init_workflow(), st.flags.skip_phases.value_or(config_skip), d->cfg.cluster));
        if (filter.empty()) spdlog::info("[init] Using Kubernetes version: {}", d->version.str());
        KADM_TRY(init::load_init_patches(*d));
        return d;
      },
      progress));
  // A lone phase has no cluster to report on; the whole workflow does.
  if (progress && filter.empty()) progress->result(KADM_TRY(init::init_result_fields(*data)));
  return {};
}

Status run_init(const InitCommandState& st, const std::string& filter) {
  return run_with_progress(st.output, [&](output::ProgressWriter* progress) {
    return run_init_workflow(st, filter, progress);
  });
}

void add_command_flags(CLI::App* app, InitCommandState& st) {
  add_init_flags(app, st.flags);
  app->add_flag("--fix", st.fix,
                "Before the pre-flight checks, repair what kadm can (swap, SELinux, br_netfilter, "
                "sysctls, hostname), showing each change; with --dry-run only show it");
  app->add_option("--kubeconfig-dir", st.kubeconfig_dir,
                  "The path where to save the kubeconfig files and the manifests folder")
      ->default_str("/etc/kubernetes");
  add_output_flag(app, st.output);
}

const Registrar reg(10, "init", [](CLI::App& root, Context& ctx) {
  auto st = std::make_shared<InitCommandState>();
  add_workflow_command<init::InitData>(
      root, ctx, "init", "Run this command in order to set up the Kubernetes control plane",
      init_workflow(), [st](CLI::App* app) { add_command_flags(app, *st); },
      [st](const std::string& filter) { return run_init(*st, filter); },
      [st] { return st->output.json(); });
});

}  // namespace
}  // namespace kadm::cli
