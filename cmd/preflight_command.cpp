// `kadm preflight`: run init (or --join) preflight checks on their own, optionally fixing the host.
#include <iostream>
#include <memory>

#include "common/constants.h"
#include "host/linux_host.h"
#include "plan/effects.h"
#include "preflight/preflight.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct PreflightFlags {
  bool fix = false;
  bool dry_run = false;
  bool join = false;
  std::string root = "/";
  std::vector<std::string> ignore;
  std::string output = "text";
  std::string node_name;
  std::string kubernetes_version;
  std::string cri_socket;
  std::string pod_network_cidr;
  std::string service_cidr;
};

// ---- TEMPORARY: default configuration until the config loader lands (the lead replaces this
// with config::load + defaults). Only the fields preflight reads are filled in.
config::InitConfiguration preflight_default_init_config(const PreflightFlags& f) {
  config::InitConfiguration cfg;
  cfg.cluster.kubernetes_version = f.kubernetes_version.empty()
                                       ? preflight::newest_supported_version().str()
                                       : f.kubernetes_version;
  cfg.cluster.networking.service_subnet =
      f.service_cidr.empty() ? std::string(constants::kDefaultServiceSubnet) : f.service_cidr;
  cfg.cluster.networking.pod_subnet = f.pod_network_cidr;
  cfg.cluster.networking.dns_domain = std::string(constants::kDefaultDNSDomain);
  cfg.cluster.etcd.local = config::LocalEtcd{};
  cfg.cluster.etcd.local->data_dir = std::string(constants::kDefaultEtcdDataDir);
  cfg.cluster.certificates_dir = std::string(constants::kDefaultCertificatesDir);
  cfg.local_api_endpoint.bind_port = constants::kAPIServerPort;
  cfg.node_registration.name = f.node_name;
  cfg.node_registration.cri_socket = f.cri_socket;
  return cfg;
}

config::JoinConfiguration preflight_default_join_config(const PreflightFlags& f) {
  config::JoinConfiguration cfg;
  cfg.ca_cert_path = std::string(constants::kDefaultCertificatesDir) + "/ca.crt";
  cfg.node_registration.name = f.node_name;
  cfg.node_registration.cri_socket = f.cri_socket;
  return cfg;
}
// ---- end TEMPORARY

Status run_preflight(const PreflightFlags& f) {
  if (f.output != "text" && f.output != "json" && f.output != "yaml") {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + f.output + "\": use one of text, json, yaml");
  }
  bool machine = f.output != "text";
  std::ostream& human = machine ? std::cerr : std::cout;

  host::LinuxHost host(host::LinuxHostOptions{f.root, {}, {}});
  std::unique_ptr<plan::Effects> base;
  if (f.dry_run) {
    base = std::make_unique<plan::DryRunEffects>();
  } else {
    base = std::make_unique<plan::RealEffects>();
  }
  std::unique_ptr<plan::Effects> rooted;
  plan::Effects* effects = base.get();
  if (host.real_path("/") != "/") {
    rooted = std::make_unique<preflight::FixtureRootEffects>(*base, human);
    effects = rooted.get();
  }

  preflight::PreflightOptions options;
  options.ignore_errors = f.ignore;
  options.fix = f.fix;
  options.out = &human;
  preflight::Outcome outcome;
  if (f.join) {
    if (!f.kubernetes_version.empty()) {
      auto v = config::parse_kube_version(f.kubernetes_version);
      if (!v) return std::unexpected(v.error());
      options.target = *v;
    }
    outcome = preflight::preflight_join(preflight_default_join_config(f), host, *effects, options);
  } else {
    outcome = preflight::preflight_init(preflight_default_init_config(f), host, *effects, options);
  }
  if (machine && !outcome.report.results.empty()) {
    std::cout << (f.output == "json" ? preflight::report_json(outcome.report)
                                     : preflight::report_yaml(outcome.report));
  }
  return outcome.status;
}

const Registrar reg(150, [](CLI::App& root, Context& ctx) {
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
  cmd->add_option("--ignore-preflight-errors", flags->ignore,
                  "A list of checks whose errors will be shown as warnings. Example: "
                  "'IsPrivilegedUser,Swap'. Value 'all' ignores errors from all checks.")
      ->delimiter(',');
  cmd->add_option("-o,--output", flags->output, "Output format: text, json or yaml");
  cmd->add_option("--node-name", flags->node_name, "Specify the node name");
  cmd->add_option("--kubernetes-version", flags->kubernetes_version,
                  "Choose a specific Kubernetes version for the checks");
  cmd->add_option("--cri-socket", flags->cri_socket, "Path to the CRI socket to connect");
  cmd->add_option("--pod-network-cidr", flags->pod_network_cidr,
                  "Specify range of IP addresses for the pod network");
  cmd->add_option("--service-cidr", flags->service_cidr,
                  "Use alternative range of IP address for service VIPs");
  cmd->callback([&ctx, flags] {
    ctx.human_to_stderr = flags->output != "text";
    ctx.action = [flags] { return run_preflight(*flags); };
  });
});

}  // namespace
}  // namespace kadm::cli
