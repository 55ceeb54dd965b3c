#include "preflight/image_pull.h"

#include <ostream>

namespace kadm::preflight {

void pull_images(const ImagePullStep& s) {
  s.out << s.heading;
  run_followup_checks({image_pull(s.images, s.node.image_pull_policy, s.node.image_pull_serial,
                                  s.probe, s.ignore.ignores("CRI"))},
                      s.host, s.ignore, s.out, s.report);
}

void announce_image_pull(const ImagePullStep& s) { s.out << s.would_pull; }

}  // namespace kadm::preflight
