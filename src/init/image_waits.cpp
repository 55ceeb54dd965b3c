#include "init/image_waits.h"

#include <algorithm>
#include <utility>

#include "common/strings.h"
#include "cri/sandbox_removal.h"
#include "kubelet/kubelet_service.h"
#include "manifests/etcd_identity.h"
#include "manifests/images.h"
#include "manifests/version_table.h"
#include "manifests/write.h"
#include "plan/undoable_effects.h"

namespace kadm::init {

namespace {

constexpr int kSandboxAttempts = 5;
constexpr std::chrono::milliseconds kSandboxPause{300};

constexpr std::string_view kStartFailureHint =
    "kadm took back what this run wrote after its checks and stopped the kubelet: once the images "
    "can be pulled (imageRepository, kubernetesVersion, the etcd image), run the same command "
    "again";

void defer(InitData& d, LaterImages group, std::string image) {
  if (d.deferred_images.empty()) {
    d.deferred_images = preflight::empty_later_groups();
    for (auto first : {LaterImages::Etcd, LaterImages::Start}) {
      d.deferred_images[static_cast<size_t>(first)].failure_hint = std::string(kStartFailureHint);
    }
  }
  auto& images = d.deferred_images[static_cast<size_t>(group)].images;
  if (std::ranges::find(images, image) == images.end()) images.push_back(std::move(image));
}

}  // namespace

// A version kadm has no row for fails preflight itself; nothing to defer then.
void defer_etcd_start_images(InitData& d) {
  auto row = manifests::version_row(d.version);
  if (!d.cfg.cluster.etcd.external && row) {
    defer(d, LaterImages::Etcd, manifests::pause_image(d.cfg.cluster, *row));
    defer(d, LaterImages::Etcd, manifests::etcd_image(d.cfg.cluster, *row));
  }
}

void defer_apiserver_start_images(InitData& d) {
  if (auto row = manifests::version_row(d.version)) {
    // With local etcd the pause image comes with etcd's, which starts first.
    if (!d.cfg.cluster.etcd.local) {
      defer(d, LaterImages::Start, manifests::pause_image(d.cfg.cluster, *row));
    }
    defer(d, LaterImages::Start, manifests::kubernetes_image(d.cfg.cluster, "kube-apiserver"));
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
  if (d.deferred_pull->images(static_cast<size_t>(LaterImages::Etcd)).empty() &&
      d.deferred_pull->images(static_cast<size_t>(LaterImages::Start)).empty()) {
    return;
  }
  auto undoable = std::make_unique<plan::UndoableEffects>(std::move(d.effects));
  d.undo = undoable.get();
  d.effects = std::move(undoable);
}

namespace {

// `pulled` failed: takes back what the run did since preflight, if it still can.
Status take_back(InitData& d, Status pulled) {
  auto* undo = std::exchange(d.undo, nullptr);
  if (!undo) return pulled;
  auto left = undo->undo();
  if (left.empty()) return pulled;
  return fail(pulled.error().kind(),
              pulled.error().message() + "; and these could not be taken back: " +
                  str::join(left, "; ") + " (run 'kadm reset' before kadm init again)");
}

// The kubelet runs etcd's pod while kube-apiserver's image is pulled. Taking it back: the
// kubelet stopped first (so it does not start the pod again), the manifest removed, the pod's
// sandbox stopped and removed through the runtime; what etcd wrote into its data directory goes
// after this step (UndoableEffects::remember_step's `clean`).
std::function<Status(plan::Effects&)> take_back_etcd_pod(const InitData& d) {
  return [host = d.host.get(), connect = d.connect.cri, manifest = d.manifests_dir() / "etcd.yaml",
          endpoint = d.cfg.node_registration.cri_socket,
          pod = "etcd-" + d.cfg.node_registration.name](plan::Effects& inner) -> Status {
    kubelet::stop_kubelet(*host, inner);
    KADM_TRY(inner.apply(plan::RemoveFile{manifest}));
    if (!connect) return fail("kadm has no CRI client here");
    auto runtime = KADM_TRY(connect(endpoint));
    for (const auto& sandbox : KADM_TRY(runtime->list_pod_sandboxes({}))) {
      if (sandbox.metadata.name != pod || sandbox.metadata.namespace_ != "kube-system") continue;
      if (auto error =
              cri::stop_and_remove_sandbox(*runtime, sandbox.id, kSandboxAttempts, kSandboxPause);
          !error.empty()) {
        return fail("the pod sandbox " + sandbox.id + " of " + pod + ": " + error);
      }
    }
    return {};
  };
}

}  // namespace

Status await_etcd_images(InitData& d) {
  auto pulled = preflight::await_images(d, LaterImages::Etcd);
  return pulled ? pulled : take_back(d, std::move(pulled));
}

Status write_local_etcd(InitData& d) {
  const std::filesystem::path data_dir = manifests::etcd_data_dir(d.cfg.cluster);
  auto before =
      d.undo ? plan::UndoableEffects::list_tree(data_dir) : plan::UndoableEffects::Listing{};
  KADM_TRY(manifests::write_local_etcd_manifest(d.cfg, d.manifests_dir(), *d.effects, d.patch_set(),
                                                *d.host, d.profile));
  if (d.undo) {
    d.undo->remember_step("take back the etcd pod the kubelet started", take_back_etcd_pod(d),
                          data_dir, std::move(before));
  }
  return {};
}

Status await_start_images(InitData& d) {
  KADM_TRY(await_etcd_images(d));
  auto pulled = preflight::await_images(d, LaterImages::Start);
  if (!pulled) return take_back(d, std::move(pulled));
  if (auto* undo = std::exchange(d.undo, nullptr)) undo->keep();
  return {};
}

}  // namespace kadm::init
