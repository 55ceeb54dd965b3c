#include "preflight/preflight.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "common/strings.h"
#include "manifests/images.h"
#include "preflight/cri_checks.h"

namespace kadm::preflight {

namespace {

constexpr std::string_view kHeading = "[preflight] Running pre-flight checks";
constexpr std::string_view kSecondaryHeading =
    "[preflight] Running pre-flight checks before initializing the new control plane instance";

// After the checks passed: bring the images into the container runtime (ImagePull). Those in
// options.deferred_images come last, pulled in the background into `deferred` (same seam, so a
// dry run only announces them, once).
void pull_after_checks(const std::vector<std::string>& images, const config::NodeRegistration& node,
                       const host::Host& host, const IgnoreSet& ignore, std::ostream& out,
                       const PreflightOptions& options, Report& report,
                       std::shared_ptr<DeferredPull>& deferred) {
  auto probe = options.check_set.cri_probe
                   ? options.check_set.cri_probe
                   : make_cri_probe(node.cri_socket, options.check_set.cri_connector);
  std::vector<std::string> now;
  std::vector<DeferredGroup> later;
  for (const auto& g : options.deferred_images) later.push_back({{}, g.on_release, g.failure_hint});
  for (const auto& image : images) {
    auto group = std::ranges::find_if(options.deferred_images, [&](const auto& g) {
      return std::ranges::find(g.images, image) != g.images.end();
    });
    (group == options.deferred_images.end()
         ? now
         : later[static_cast<size_t>(group - options.deferred_images.begin())].images)
        .push_back(image);
  }
  options.pull_images(ImagePullStep{
      now, node, probe, host, ignore, out, report,
      "[preflight] Pulling images required for setting up a Kubernetes cluster\n"
      "[preflight] This can take a minute or two, depending on the speed of the connection to "
      "the image registry\n"
      "[preflight] You can also pull them beforehand with 'kadm config images pull'\n",
      "[preflight] Would pull the images this node needs (as 'kadm config images pull' does)\n"});
  if (report.fatal || std::ranges::all_of(later, [](const auto& g) { return g.images.empty(); }))
    return;
  deferred = std::make_shared<DeferredPull>(
      std::move(later),
      [node, probe, &host, ignore, pull = options.pull_images](
          const std::vector<std::string>& group, std::ostream& lines, Report& findings) {
        spdlog::debug("[preflight] pulling {} while the control plane starts",
                      str::join(group, ", "));
        pull(ImagePullStep{group, node, probe, host, ignore, lines, findings, "", ""});
      },
      options.deferred_failure_hint);
}

// `heading` other than kHeading: a second run of the same command, whose ignore list was already
// reported on.
Outcome run(const std::vector<Check>& checks, const config::NodeRegistration& node,
            const host::Host& host, plan::Effects& effects, const PreflightOptions& options,
            const Result<std::vector<std::string>>& images = std::vector<std::string>{},
            std::string_view heading = kHeading) {
  std::ostream& out = options.out ? *options.out : std::cout;
  Outcome outcome;
  auto values = options.ignore_errors;
  values.insert(values.end(), node.ignore_preflight_errors.begin(),
                node.ignore_preflight_errors.end());
  std::ostringstream already_reported;
  auto ignore = parse_ignore_list(values, heading == kHeading ? out : already_reported);
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
  outcome.report = run_checks(checks, host, *ignore, out, heading);
  if (!outcome.report.fatal && options.pull_images) {
    if (!images) {
      outcome.status = std::unexpected(images.error());
      return outcome;
    }
    if (!images->empty())
      pull_after_checks(*images, node, host, *ignore, out, options, outcome.report,
                        outcome.deferred);
  }
  outcome.status = to_status(outcome.report);
  return outcome;
}

// The options of one run with its runtime probe, so the checks and the image pull share it.
PreflightOptions with_cri_probe(const PreflightOptions& options,
                                const config::NodeRegistration& node) {
  PreflightOptions o = options;
  if (!o.check_set.cri_probe) {
    o.check_set.cri_probe = make_cri_probe(node.cri_socket, o.check_set.cri_connector);
  }
  return o;
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
  auto o = with_cri_probe(options, cfg.node_registration);
  return run(init_checks(cfg, target, o.check_set), cfg.node_registration, host, effects, o,
             manifests::images(cfg));
}

Outcome preflight_join(const config::JoinConfiguration& cfg, const host::Host& host,
                       plan::Effects& effects, const PreflightOptions& options,
                       const config::ClusterConfiguration* cluster) {
  config::KubeVersion target = options.target.value_or(newest_supported_version());
  if (!options.target && cluster) {
    if (auto v = config::parse_kube_version(cluster->kubernetes_version)) target = *v;
  }
  // A control plane joining needs the control-plane images of the cluster's version (workers
  // get theirs through the kubelet).
  Result<std::vector<std::string>> images = std::vector<std::string>{};
  if (cfg.control_plane) {
    config::InitConfiguration init;
    if (cluster) init.cluster = *cluster;
    if (init.cluster.kubernetes_version.empty()) init.cluster.kubernetes_version = target.str();
    images = manifests::images(init);
  }
  auto o = with_cri_probe(options, cfg.node_registration);
  return run(join_checks(cfg, target, cluster, o.check_set), cfg.node_registration, host, effects,
             o, images);
}

Outcome preflight_join_node(const config::JoinConfiguration& cfg, const host::Host& host,
                            plan::Effects& effects, const PreflightOptions& options) {
  config::KubeVersion target = options.target.value_or(newest_supported_version());
  auto o = with_cri_probe(options, cfg.node_registration);
  return run(join_node_checks(cfg, target, o.check_set), cfg.node_registration, host, effects, o);
}

Outcome preflight_control_plane_join(const config::InitConfiguration& node, bool download_certs,
                                     const host::Host& host, plan::Effects& effects,
                                     const PreflightOptions& options) {
  config::KubeVersion target = newest_supported_version();
  if (options.target) {
    target = *options.target;
  } else if (auto v = config::parse_kube_version(node.cluster.kubernetes_version)) {
    target = *v;
  }
  PreflightOptions o = with_cri_probe(options, node.node_registration);
  o.fix = false;  // nothing in the secondary list has a fix; the node run already offered them
  // The new control plane runs the cluster's control-plane images (kubeadm-config's version and
  // repository), so those are what it pulls.
  return run(secondary_control_plane_checks(node, target, download_certs), node.node_registration,
             host, effects, o, manifests::images(node), kSecondaryHeading);
}

}  // namespace kadm::preflight
