#include "init/image_waits.h"

#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::init {

namespace {

void defer(InitData& d, LaterImages group, std::string image) {
  const auto i = static_cast<size_t>(group);
  if (d.deferred_images.size() <= i) d.deferred_images.resize(i + 1);
  d.deferred_images[i].images.push_back(std::move(image));
  d.deferred_images[i].on_release = group == LaterImages::Addons;
}

}  // namespace

void defer_controller_images(InitData& d) {
  for (auto& image : manifests::controller_images(d.cfg.cluster)) {
    defer(d, LaterImages::Controllers, std::move(image));
  }
}

void defer_coredns_image(InitData& d) {
  if (d.cfg.cluster.dns.disabled) return;
  // A version kadm has no row for fails preflight itself; nothing to defer then.
  if (auto row = manifests::version_row(d.version)) {
    defer(d, LaterImages::Addons, manifests::coredns_image(d.cfg.cluster, *row));
  }
}

void defer_kube_proxy_image(InitData& d) {
  if (!d.cfg.cluster.proxy.disabled) {
    defer(d, LaterImages::Addons, manifests::kubernetes_image(d.cfg.cluster, "kube-proxy"));
  }
}

}  // namespace kadm::init
