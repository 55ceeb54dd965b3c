#pragma once
// The image pull that follows the checks of init, control-plane join and upgrade (spec §8.1, the
// ImagePull check), as the run environment chooses it: pull_images asks the node's runtime for
// every image, announce_image_pull (--dry-run) only says it would.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "config/types.h"
#include "host/host.h"
#include "preflight/cri_checks.h"
#include "preflight/run_checks.h"

namespace kadm::preflight {

struct ImagePullStep {
  const std::vector<std::string>& images;
  const config::NodeRegistration& node;  // imagePullPolicy, imagePullSerial
  std::shared_ptr<CriProbe> probe;       // shared with the checks: one connection per run
  const host::Host& host;
  const IgnoreSet& ignore;
  std::ostream& out;
  Report& report;  // gets the ImagePull result
  // The command's lines: before a pull, and what a dry run says instead.
  std::string heading;
  std::string would_pull;
};

void pull_images(const ImagePullStep& step);
void announce_image_pull(const ImagePullStep& step);

using ImagePull = std::function<void(const ImagePullStep&)>;

}  // namespace kadm::preflight
