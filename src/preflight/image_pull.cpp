#include "preflight/image_pull.h"

#include <ostream>

namespace kadm::preflight {

void pull_images(const ImagePullStep& s) {
  s.out << s.heading;
  run_followup_checks({image_pull(s.images, s.node.image_pull_policy, s.node.image_pull_serial,
                                  s.probe, s.ignore.ignores("CRI"))},
                      s.host, s.ignore, s.out, s.report);
}

void announce_image_pull(const ImagePullStep& s) {
  s.out << s.would_pull;
  // Each image, so a dry run shows what the registry must serve (and what a skipped phase spared).
  const bool never = s.node.image_pull_policy == "Never";
  for (const auto& image : s.images) {
    s.out << (never ? "[dryrun] Would check that the container runtime has "
                    : "[dryrun] Would pull ")
          << image << "\n";
  }
}

}  // namespace kadm::preflight
