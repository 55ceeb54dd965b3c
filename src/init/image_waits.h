#pragma once
// Which images init's preflight may leave to the background (issue 13). Its checks run first; then
// the images the control plane starts from (pause, etcd, kube-apiserver) are pulled while the
// certificates, kubeconfig files and kubelet settings are written and the kubelet starts, and the
// first static pod manifest waits for them. Until they are in, every write goes through
// plan::UndoableEffects: if they fail (a wrong imageRepository, kubernetesVersion or etcd image),
// the run takes back what it did and stops the kubelet, so the host is left as a failed preflight
// leaves it, as in kubeadm. The images of the components that start later follow on the same
// thread while the kubelet starts the control plane, each group awaited by the phase that needs
// it, which fails as preflight would have. The addons' images wait until the API server answers:
// on a small machine, unpacking them while it starts delays it by about as long as they take.

#include "init/init_data.h"
#include "preflight/deferred_pull.h"

namespace kadm::init {

// preflight::LaterImages::Start is awaited by every manifest phase (await_start_images), the
// Controllers by wait-control-plane, which releases the Addons, awaited by the addon phases
// (preflight::await_images).
using preflight::LaterImages;

// The phases' prepare hooks: each adds its images to data.deferred_images.
void defer_etcd_start_images(InitData& data);
void defer_apiserver_start_images(InitData& data);
void defer_controller_images(InitData& data);
void defer_coredns_image(InitData& data);
void defer_kube_proxy_image(InitData& data);

// After preflight: while LaterImages::Start is being pulled, data.effects remembers how to take
// back what the run does (data.undo).
void remember_until_started(InitData& data);

// Before a static pod manifest is written: waits for LaterImages::Start. If it failed, takes
// back what the run did since preflight and returns preflight's error.
Status await_start_images(InitData& data);

}  // namespace kadm::init
