#pragma once
// The preflight phase of init and join: parse the ignore list, optionally fix the host, run the
// checks, and turn fatal findings into ErrorKind::Preflight. `kadm preflight`, `kadm init phase
// preflight` and `kadm join phase preflight` all come here.

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/types.h"
#include "config/version.h"
#include "host/host.h"
#include "plan/effects.h"
#include "preflight/check_sets.h"
#include "preflight/deferred_pull.h"
#include "preflight/fix.h"
#include "preflight/image_pull.h"
#include "preflight/run_checks.h"

namespace kadm::preflight {

struct PreflightOptions {
  // --ignore-preflight-errors values; merged with nodeRegistration.ignorePreflightErrors.
  std::vector<std::string> ignore_errors;
  bool fix = false;             // change the host through `effects` before checking
  std::ostream* out = nullptr;  // human output; nullptr = std::cout
  FixOptions fix_options;
  CheckSetOptions check_set;
  // The image pull that follows the checks of init and control-plane join (spec §8.1), as the
  // run environment chooses it (pull_images, or announce_image_pull for --dry-run); empty: none.
  ImagePull pull_images;
  // Groups of images later phases of this run wait for (Outcome::deferred) instead of preflight:
  // pulled in the background, group after group, once the others are in. Images not in the
  // image list are left out of their group.
  std::vector<DeferredGroup> deferred_images;
  // What a failed deferred pull's error tells the user to do, the run being past its preflight.
  std::string deferred_failure_hint;
  // Target Kubernetes version; default: the config's kubernetesVersion (init) or the newest
  // supported version (join).
  std::optional<config::KubeVersion> target;
};

struct Outcome {
  Report report;  // the final check run (after fixing, if asked)
  FixReport fix;  // empty unless options.fix
  Status status;  // Preflight error when fatal; Validation for a bad ignore list
  // The pull of options.deferred_images, running (same group indexes); null when nothing was
  // deferred. The Host preflight ran with must outlive it.
  std::shared_ptr<DeferredPull> deferred;
};

Outcome preflight_init(const config::InitConfiguration& cfg, const host::Host& host,
                       plan::Effects& effects, const PreflightOptions& options);
/// `cluster` is needed for control-plane joins (cfg.control_plane set); nullptr uses defaults.
Outcome preflight_join(const config::JoinConfiguration& cfg, const host::Host& host,
                       plan::Effects& effects, const PreflightOptions& options,
                       const config::ClusterConfiguration* cluster = nullptr);

/// Control-plane join in two steps, as kubeadm (spec §7.4 step 1): first the node checks, before
/// the cluster is contacted ...
Outcome preflight_join_node(const config::JoinConfiguration& cfg, const host::Host& host,
                            plan::Effects& effects, const PreflightOptions& options);
/// ... then, with `node` = the cluster's ClusterConfiguration (from kubeadm-config) plus this
/// node's endpoint and registration, init's checks in "secondary" mode under kubeadm's heading
/// "Running pre-flight checks before initializing the new control plane instance". Never fixes.
Outcome preflight_control_plane_join(const config::InitConfiguration& node, bool download_certs,
                                     const host::Host& host, plan::Effects& effects,
                                     const PreflightOptions& options);

}  // namespace kadm::preflight
