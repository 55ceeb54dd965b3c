#pragma once
// Which images init's preflight may leave to the background (issue 13). Its checks run first; then
// the images the control plane starts from (pause and etcd, then kube-apiserver) are pulled while
// the certificates, kubeconfig files and kubelet settings are written and the kubelet starts;
// etcd's manifest waits for the first two (so etcd starts while kube-apiserver is pulled), the
// other manifests for all three. Until they are in, every write goes through
// plan::UndoableEffects: if they fail (a wrong imageRepository, kubernetesVersion or etcd image),
// the run takes back what it did, etcd's pod included, and stops the kubelet, so the host is left
// as a failed preflight leaves it, as in kubeadm. The images of the components that start later
// follow on the same thread while the kubelet starts the control plane, each group awaited by the
// phase that needs it, which fails as preflight would have. The addons' images wait until the API
// server answers: on a small machine, unpacking them while it starts delays it by about as long as
// they take.

#include "init/init_data.h"
#include "preflight/deferred_pull.h"

namespace kadm::init {

// preflight::LaterImages::Etcd is awaited by etcd/local (await_etcd_images), Start by every
// control-plane manifest phase (await_start_images), the Controllers by wait-control-plane, which
// releases the Addons, awaited by the addon phases (preflight::await_images).
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

// etcd/local, before its manifest: waits for LaterImages::Etcd (pause, etcd). If it failed, takes
// back what the run did since preflight and returns preflight's error.
Status await_etcd_images(InitData& data);

// etcd/local: writes local etcd's manifest. While the run can still be taken back, also
// remembers how to take back the pod the kubelet starts from it (and what it writes into its
// data directory), so etcd starts while kube-apiserver's image is still pulled.
Status write_local_etcd(InitData& data);

// Before a control-plane manifest: waits for LaterImages::Etcd, then LaterImages::Start
// (kube-apiserver). If either failed, takes back what the run did since preflight, etcd's pod
// included, and returns preflight's error; once both are in, the run's writes stay.
Status await_start_images(InitData& data);

}  // namespace kadm::init
