// `kadm preflight`: run init (or --join) preflight checks on their own, optionally fixing the host.
#include <iostream>
#include <memory>

#include "config_source.h"
#include "flag_binders.h"
#include "host/linux_host.h"
#include "plan/effects.h"
#include "preflight/preflight.h"
#include "registry.h"
#include "runenv/environment.h"

namespace kadm::cli {
namespace {

struct PreflightFlags {
  bool fix = false;
  bool dry_run = false;  // of --fix, not of the configuration
  bool join = false;
  std::string root = "/";
  std::string output = "text";
  // Flags both sets share (--config, --node-name, --cri-socket, --ignore-preflight-errors) are
  // bound here and copied into `join_flags` for --join.
  config::InitFlags init;
  config::JoinFlags join_flags;
};

config::JoinFlags join_flags_of(const PreflightFlags& f) {
  config::JoinFlags j = f.join_flags;
  j.config_path = f.init.config_path;
  j.node_name = f.init.node_name;
  j.cri_socket = f.init.cri_socket;
  j.ignore_preflight_errors = f.init.ignore_preflight_errors;
  return j;
}

Status run_preflight(const PreflightFlags& f) {
  if (f.output != "text" && f.output != "json" && f.output != "yaml") {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + f.output + "\": use one of text, json, yaml");
  }
  bool machine = f.output != "text";
  std::ostream& human = machine ? std::cerr : std::cout;

  host::LinuxHost host(host::LinuxHostOptions{f.root, {}, {}});
  // --dry-run of --fix: the run environment's Effects (the host is this command's, --root).
  std::unique_ptr<plan::Effects> base = runenv::choose(f.dry_run).effects;
  std::unique_ptr<plan::Effects> rooted;
  plan::Effects* effects = base.get();
  if (host.real_path("/") != "/") {
    rooted = std::make_unique<preflight::FixtureRootEffects>(*base, human);
    effects = rooted.get();
  }

  preflight::PreflightOptions options;
  options.fix = f.fix;
  options.out = &human;
  preflight::Outcome outcome;
  if (f.join) {
    if (f.init.kubernetes_version) {
      options.target = KADM_TRY(config::parse_kube_version(*f.init.kubernetes_version));
    }
    const auto cfg = KADM_TRY(load_join_configuration(join_flags_of(f)));
    outcome = preflight::preflight_join(cfg, host, *effects, options);
  } else {
    const auto cfg = KADM_TRY(load_init_configuration(f.init));
    outcome = preflight::preflight_init(cfg, host, *effects, options);
  }
  if (machine && !outcome.report.results.empty()) {
    std::cout << (f.output == "json" ? preflight::report_json(outcome.report)
                                     : preflight::report_yaml(outcome.report));
  }
  return outcome.status;
}

const Registrar reg(150, "preflight", [](CLI::App& root, Context& ctx) {
  auto flags = std::make_shared<PreflightFlags>();
  auto* cmd = root.add_subcommand(
      "preflight",
      "Run the pre-flight checks of init (or join with --join); --fix repairs what it can");
  cmd->add_flag("--fix", flags->fix,
                "Change the host so fixable checks pass (swap, SELinux, br_netfilter, sysctls, "
                "hostname), showing every change");
  cmd->add_flag("--dry-run", flags->dry_run, "Show what --fix would change without changing it");
  cmd->add_flag("--join", flags->join, "Run the checks of join instead of init");
  cmd->add_option("--root", flags->root,
                  "Read /proc, /sys and /etc below this directory (and fix files there)");
  cmd->add_option("-o,--output", flags->output, "Output format: text, json or yaml");
  auto& init = flags->init;
  bind_text(cmd, "--config", init.config_path,
            "Path to a kadm configuration file (an InitConfiguration, or a JoinConfiguration "
            "with --join)");
  bind_list(cmd, "--ignore-preflight-errors", init.ignore_preflight_errors,
            "A list of checks whose errors will be shown as warnings. Example: "
            "'IsPrivilegedUser,Swap'. Value 'all' ignores errors from all checks.");
  bind_text(cmd, "--node-name", init.node_name, "Specify the node name");
  bind_text(cmd, "--cri-socket", init.cri_socket, "Path to the CRI socket to connect");
  bind_text(cmd, "--kubernetes-version", init.kubernetes_version,
            "Choose a specific Kubernetes version for the checks");
  bind_text(cmd, "--pod-network-cidr", init.pod_network_cidr,
            "Specify range of IP addresses for the pod network");
  bind_text(cmd, "--service-cidr", init.service_cidr,
            "Use alternative range of IP address for service VIPs");
  // Only --join reads these: the discovery a join needs (as `kadm join` takes them).
  auto& join = flags->join_flags;
  bind_text(cmd, "api-server-endpoint", join.api_server_endpoint,
            "With --join: host:port of the API server to discover the cluster through");
  bind_text(cmd, "--token", join.token, "With --join: the bootstrap token for discovery");
  bind_list(cmd, "--discovery-token-ca-cert-hash", join.discovery_token_ca_cert_hash,
            "With --join: the CA public key hash to pin (\"sha256:<hex>\")");
  bind_flag(cmd, "--discovery-token-unsafe-skip-ca-verification",
            join.discovery_token_unsafe_skip_ca_verification,
            "With --join: allow token discovery without CA pinning");
  bind_text(cmd, "--discovery-file", join.discovery_file,
            "With --join: a kubeconfig file for file-based discovery");
  bind_flag(cmd, "--control-plane", join.control_plane,
            "With --join: run the checks for a new control-plane instance");
  cmd->callback([&ctx, flags] {
    ctx.human_to_stderr = flags->output != "text";
    ctx.action = [flags] { return run_preflight(*flags); };
  });
});

}  // namespace
}  // namespace kadm::cli
