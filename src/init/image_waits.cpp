#include "init/image_waits.h"

#include <iostream>

#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::init {

namespace {

void defer(InitData& d, ImageWait group, std::string image) {
  const auto i = static_cast<size_t>(group);
  if (d.deferred_images.size() <= i) d.deferred_images.resize(i + 1);
  d.deferred_images[i].images.push_back(std::move(image));
  d.deferred_images[i].on_release = group == ImageWait::Addons;
}

}  // namespace

void defer_controller_images(InitData& d) {
  for (auto& image : manifests::controller_images(d.cfg.cluster)) {
    defer(d, ImageWait::ControlPlane, std::move(image));
  }
}

void defer_coredns_image(InitData& d) {
  if (d.cfg.cluster.dns.disabled) return;
  // A version kadm has no row for fails preflight itself; nothing to defer then.
  if (auto row = manifests::version_row(d.version)) {
    defer(d, ImageWait::Addons, manifests::coredns_image(d.cfg.cluster, *row));
  }
}

void defer_kube_proxy_image(InitData& d) {
  if (!d.cfg.cluster.proxy.disabled) {
    defer(d, ImageWait::Addons, manifests::kubernetes_image(d.cfg.cluster, "kube-proxy"));
  }
}

void release_images(InitData& d, ImageWait group) {
  if (d.deferred_pull) d.deferred_pull->release(static_cast<size_t>(group));
}

Status await_images(InitData& d, ImageWait group) {
  if (!d.deferred_pull) return {};
  return d.deferred_pull->wait(static_cast<size_t>(group), d.out ? *d.out : std::cout);
}

}  // namespace kadm::init
