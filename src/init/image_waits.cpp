#include "init/image_waits.h"

#include <algorithm>
#include <utility>

#include "common/strings.h"
#include "manifests/images.h"
#include "manifests/version_table.h"
#include "plan/undoable_effects.h"

namespace kadm::init {

namespace {

constexpr std::string_view kStartFailureHint =
    "kadm took back what this run wrote after its checks and stopped the kubelet: once the images "
    "can be pulled (imageRepository, kubernetesVersion, the etcd image), run the same command "
    "again";

void defer(InitData& d, LaterImages group, std::string image) {
  if (d.deferred_images.empty()) {
    d.deferred_images = preflight::empty_later_groups();
    d.deferred_images[static_cast<size_t>(LaterImages::Start)].failure_hint =
        std::string(kStartFailureHint);
  }
  auto& images = d.deferred_images[static_cast<size_t>(group)].images;
  if (std::ranges::find(images, image) == images.end()) images.push_back(std::move(image));
}

// Every pod's sandbox runs the pause image, so each phase that starts one needs it too.
void defer_start(InitData& d, const manifests::VersionRow& row, std::string image) {
  defer(d, LaterImages::Start, manifests::pause_image(d.cfg.cluster, row));
  defer(d, LaterImages::Start, std::move(image));
}

}  // namespace

// A version kadm has no row for fails preflight itself; nothing to defer then.
void defer_etcd_start_images(InitData& d) {
  auto row = manifests::version_row(d.version);
  if (!d.cfg.cluster.etcd.external && row) {
    defer_start(d, *row, manifests::etcd_image(d.cfg.cluster, *row));
  }
}

void defer_apiserver_start_images(InitData& d) {
  if (auto row = manifests::version_row(d.version)) {
    defer_start(d, *row, manifests::kubernetes_image(d.cfg.cluster, "kube-apiserver"));
  }
}

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

void remember_until_started(InitData& d) {
  if (!d.deferred_pull || d.effects->dry_run()) return;
  if (d.deferred_pull->images(static_cast<size_t>(LaterImages::Start)).empty()) return;
  auto undoable = std::make_unique<plan::UndoableEffects>(std::move(d.effects));
  d.undo = undoable.get();
  d.effects = std::move(undoable);
}

Status await_start_images(InitData& d) {
  auto pulled = preflight::await_images(d, LaterImages::Start);
  auto* undo = std::exchange(d.undo, nullptr);
  if (!undo) return pulled;
  if (pulled) {
    undo->keep();
    return {};
  }
  auto left = undo->undo();
  if (left.empty()) return pulled;
  return fail(pulled.error().kind(),
              pulled.error().message() + "; and these could not be taken back: " +
                  str::join(left, "; ") + " (run 'kadm reset' before kadm init again)");
}

}  // namespace kadm::init
