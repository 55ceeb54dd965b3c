#pragma once
// Container image references kubeadm uses for a configuration (spec §10.1).

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "manifests/version_table.h"

namespace kadm::manifests {

// cfg.cluster.image_repository, or config::default_image_repository() when empty.
std::string image_repository(const config::ClusterConfiguration& cluster);

// "<repo>/<component>:v1.37.2" for kube-apiserver, kube-controller-manager, kube-scheduler,
// kube-proxy ('+' in the version becomes '_', as in image tags).
std::string kubernetes_image(const config::ClusterConfiguration& cluster,
                             std::string_view component);
// etcd.local.imageRepository / imageTag override the repository and the version's etcd tag.
std::string etcd_image(const config::ClusterConfiguration& cluster, const VersionRow& row);
std::string coredns_image(const config::ClusterConfiguration& cluster, const VersionRow& row);
std::string pause_image(const config::ClusterConfiguration& cluster, const VersionRow& row);

// Every image `kadm init` needs, in kubeadm's order for the version (`kadm config images list`).
Result<std::vector<std::string>> images(const config::InitConfiguration& cfg);

// The images of what starts after kube-apiserver, which init and a control-plane join may pull
// while it starts: kube-controller-manager and kube-scheduler; the addons not disabled (none for
// a version without a row: preflight fails on it first).
std::vector<std::string> controller_images(const config::ClusterConfiguration& cluster);
std::vector<std::string> addon_images(const config::ClusterConfiguration& cluster,
                                      const config::KubeVersion& version);

}  // namespace kadm::manifests
