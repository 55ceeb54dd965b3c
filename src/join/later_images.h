#pragma once
// A control-plane join's later images (issue 13), as init's: its preflight pulls pause, etcd and
// kube-apiserver (a wrong image fails before anything is written); kube-controller-manager and
// kube-scheduler, then the addons' images (kube-proxy and CoreDNS run on every control-plane
// node), are pulled in the background while the node joins. The etcd step awaits the first group
// before it waits for the local control plane, which releases the second when kube-apiserver
// answers; mark-control-plane awaits both, so a failed pull fails the join with preflight's
// ImagePull error and exit code. A step not selected names nothing: preflight pulls its images.

#include <vector>

#include "join/join_data.h"
#include "preflight/deferred_pull.h"

namespace kadm::join {

using preflight::LaterImages;

// The steps' prepare hooks (a worker join wants nothing).
void want_controller_images(JoinData& data);
void want_addon_images(JoinData& data);

// The groups the selected steps want, from the cluster's configuration.
std::vector<preflight::DeferredGroup> later_image_groups(const JoinData& data,
                                                         const config::InitConfiguration& node);

}  // namespace kadm::join
