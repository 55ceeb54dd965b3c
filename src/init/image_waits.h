#pragma once
// Which images init's preflight may leave to the background (issue 13). It pulls pause, etcd and
// kube-apiserver before anything is written: they start the control plane, and a wrong
// imageRepository, kubernetesVersion or etcd image fails there, as in kubeadm. The images of the
// components that start later follow on a thread of their own while the kubelet starts, each
// group awaited by the phase that needs it, which fails as preflight would have. The addons'
// images wait until the API server answers: on a small machine, unpacking them while it starts
// delays it by about as long as they take.

#include "init/init_data.h"
#include "preflight/deferred_pull.h"

namespace kadm::init {

// preflight::LaterImages::Controllers are awaited by wait-control-plane, which releases the
// Addons, awaited by the addon phases (preflight::await_images).
using preflight::LaterImages;

// The phases' prepare hooks: each adds its images to data.deferred_images.
void defer_controller_images(InitData& data);
void defer_coredns_image(InitData& data);
void defer_kube_proxy_image(InitData& data);

}  // namespace kadm::init
