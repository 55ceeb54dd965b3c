#pragma once
// Which images init's preflight may leave to the background (issue 13). It pulls pause, etcd and
// kube-apiserver before anything is written: they start the control plane, and a wrong
// imageRepository, kubernetesVersion or etcd image fails there, as in kubeadm. The images of the
// components that start later follow on a thread of their own while the kubelet starts, each
// group awaited by the phase that needs it, which fails as preflight would have. The addons'
// images wait until the API server answers: on a small machine, unpacking them while it starts
// delays it by about as long as they take.

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

enum class ImageWait : size_t {
  ControlPlane,  // kube-controller-manager, kube-scheduler: awaited by wait-control-plane
  Addons,        // kube-proxy, CoreDNS: released by wait-control-plane, awaited by the addons
};

// The phases' prepare hooks: each adds its images to data.deferred_images.
void defer_controller_images(InitData& data);
void defer_coredns_image(InitData& data);
void defer_kube_proxy_image(InitData& data);

// Lets the group's pull begin (it waits for nothing else then), when preflight deferred one.
void release_images(InitData& data, ImageWait group);

// Waits for the group's pull, when preflight deferred one.
Status await_images(InitData& data, ImageWait group);

}  // namespace kadm::init
