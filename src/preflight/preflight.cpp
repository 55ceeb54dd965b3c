#include "preflight/preflight.h"

#include <iostream>

namespace kadm::preflight {

namespace {

Outcome run(const std::vector<Check>& checks, const config::NodeRegistration& node,
            const host::Host& host, plan::Effects& effects, const PreflightOptions& options) {
  std::ostream& out = options.out ? *options.out : std::cout;
  Outcome outcome;
  auto values = options.ignore_errors;
  values.insert(values.end(), node.ignore_preflight_errors.begin(),
                node.ignore_preflight_errors.end());
  auto ignore = parse_ignore_list(values, out);
  if (!ignore) {
    outcome.status = std::unexpected(ignore.error());
    return outcome;
  }
  if (options.fix) {
    auto fixed = fix_host(checks, host, effects, *ignore, out, options.fix_options);
    if (!fixed) {
      outcome.status = std::unexpected(fixed.error());
      return outcome;
    }
    outcome.fix = std::move(*fixed);
  }
  outcome.report = run_checks(checks, host, *ignore, out);
  outcome.status = to_status(outcome.report);
  return outcome;
}

}  // namespace

Outcome preflight_init(const config::InitConfiguration& cfg, const host::Host& host,
                       plan::Effects& effects, const PreflightOptions& options) {
  config::KubeVersion target = newest_supported_version();
  if (options.target) {
    target = *options.target;
  } else if (auto v = config::parse_kube_version(cfg.cluster.kubernetes_version)) {
    target = *v;
  }
  return run(init_checks(cfg, target, options.check_set), cfg.node_registration, host, effects,
             options);
}

Outcome preflight_join(const config::JoinConfiguration& cfg, const host::Host& host,
                       plan::Effects& effects, const PreflightOptions& options,
                       const config::ClusterConfiguration* cluster) {
  config::KubeVersion target = options.target.value_or(newest_supported_version());
  if (!options.target && cluster) {
    if (auto v = config::parse_kube_version(cluster->kubernetes_version)) target = *v;
  }
  return run(join_checks(cfg, target, cluster, options.check_set), cfg.node_registration, host,
             effects, options);
}

Status run_init_preflight(const config::InitConfiguration& cfg, const host::Host& host,
                          plan::Effects& effects, const PreflightOptions& options) {
  return preflight_init(cfg, host, effects, options).status;
}

Status run_join_preflight(const config::JoinConfiguration& cfg, const host::Host& host,
                          plan::Effects& effects, const PreflightOptions& options,
                          const config::ClusterConfiguration* cluster) {
  return preflight_join(cfg, host, effects, options, cluster).status;
}

}  // namespace kadm::preflight
