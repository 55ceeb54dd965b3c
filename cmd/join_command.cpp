// `kadm join` and `kadm join phase ...`: flags → configuration → the join workflow.

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "config_source.h"
#include "host/linux_host.h"
#include "init_flags_cli.h"
#include "join/control_plane_join.h"
#include "join/join_phases.h"
#include "output_mode.h"
#include "phase_commands.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct JoinCommandState {
  config::JoinFlags flags;
  std::string tls_bootstrap = "direct";
  std::string signature_grace = "15s";
  bool fix = false;
  OutputMode output;
};

const workflow::Workflow<join::JoinData>& join_workflow() {
  static const workflow::Workflow<join::JoinData> wf(join::join_phases());
  return wf;
}

Result<join::TlsBootstrapMode> parse_mode(const std::string& text) {
  if (text == "direct") return join::TlsBootstrapMode::Direct;
  if (text == "kubelet") return join::TlsBootstrapMode::Kubelet;
  return fail(ErrorKind::Validation,
              "--tls-bootstrap must be \"direct\" or \"kubelet\", not \"" + text + "\"");
}

Result<std::unique_ptr<join::JoinData>> make_join_data(const JoinCommandState& st) {
  auto data = std::make_unique<join::JoinData>();
  data->cfg = KADM_TRY(load_join_configuration(st.flags, &data->profile));
  auto& o = data->options;
  o.ignore_preflight_errors = st.flags.ignore_preflight_errors.value_or(std::vector<std::string>{});
  o.fix_preflight = st.fix;
  o.tls_bootstrap = KADM_TRY(parse_mode(st.tls_bootstrap));
  o.signature_grace =
      KADM_TRY_CTX(parse_duration(st.signature_grace), "--discovery-signature-grace");
  // --dry-run chooses the run environment and nothing else.
  const bool dry_run = st.flags.dry_run.value_or(false) || data->cfg.dry_run;
  set_run_environment(*data, dry_run, st.output.json());
  return data;
}

Status run_join_workflow(const JoinCommandState& st, const std::string& filter,
                         output::ProgressWriter* progress) {
  auto data = KADM_TRY(run_phase_workflow<join::JoinData>(
      join_workflow(), filter, st.flags.skip_phases,
      [&](std::vector<std::string>& config_skip) -> Result<std::unique_ptr<join::JoinData>> {
        auto d = KADM_TRY(make_join_data(st));
        config_skip = d->cfg.skip_phases;
        d->patches = KADM_TRY(patches::load_if_given(d->cfg.patches_directory));
        return d;
      },
      progress));
  if (filter.empty()) {
    *data->out << (data->cfg.control_plane ? join::control_plane_joined_text()
                                           : join::worker_joined_text());
    if (progress) {
      nlohmann::ordered_json result = {{"nodeName", data->cfg.node_registration.name},
                                       {"controlPlane", data->cfg.control_plane.has_value()},
                                       {"kubeconfig", "/etc/kubernetes/kubelet.conf"}};
      progress->result(result);
    }
  }
  return {};
}

Status run_join(const JoinCommandState& st, const std::string& filter) {
  return run_with_progress(st.output, [&](output::ProgressWriter* progress) {
    return run_join_workflow(st, filter, progress);
  });
}

void add_command_flags(CLI::App* app, JoinCommandState& st) {
  add_join_flags(app, st.flags);
  app->add_option("--tls-bootstrap", st.tls_bootstrap,
                  "Who obtains the kubelet's client certificate: \"direct\" (kadm sends the CSR "
                  "and writes kubelet.conf) or \"kubelet\" (write bootstrap-kubelet.conf, start "
                  "the kubelet and wait for it)")
      ->default_str("direct");
  app->add_option("--discovery-signature-grace", st.signature_grace,
                  "How long to wait for the cluster to sign cluster-info for a new token before "
                  "reporting the token as invalid or expired")
      ->default_str("15s");
  app->add_flag("--fix", st.fix,
                "Before the pre-flight checks, repair what kadm can (swap, SELinux, br_netfilter, "
                "sysctls, hostname), showing each change; with --dry-run only show it");
  add_output_flag(app, st.output);
}

const Registrar reg(20, "join", [](CLI::App& root, Context& ctx) {
  auto st = std::make_shared<JoinCommandState>();
  add_workflow_command<join::JoinData>(
      root, ctx, "join", "Run this on any machine you wish to join an existing cluster",
      join_workflow(), [st](CLI::App* app) { add_command_flags(app, *st); },
      [st](const std::string& filter) { return run_join(*st, filter); },
      [st] { return st->output.json(); });
});

}  // namespace
}  // namespace kadm::cli
