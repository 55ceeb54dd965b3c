#include "join/later_images.h"

#include "manifests/images.h"

namespace kadm::join {

void want_controller_images(JoinData& d) {
  if (d.cfg.control_plane) d.later_images_wanted.controllers = true;
}

void want_addon_images(JoinData& d) {
  if (d.cfg.control_plane) d.later_images_wanted.addons = true;
}

std::vector<preflight::DeferredGroup> later_image_groups(const JoinData& d,
                                                         const config::InitConfiguration& node) {
  constexpr auto controllers = static_cast<size_t>(LaterImages::Controllers);
  constexpr auto addons = static_cast<size_t>(LaterImages::Addons);
  // A join's preflight pulls what its control plane starts from (LaterImages::Start stays empty).
  auto groups = preflight::empty_later_groups();
  if (d.later_images_wanted.controllers) {
    groups[controllers].images = manifests::controller_images(node.cluster);
  }
  auto version = config::parse_kube_version(node.cluster.kubernetes_version);
  if (d.later_images_wanted.addons && version) {
    groups[addons].images = manifests::addon_images(node.cluster, *version);
  }
  return groups;
}

}  // namespace kadm::join
