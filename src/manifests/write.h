#pragma once
// Writes kubeadm's static pod manifests through plan::Effects (spec §3.1: dir 0700, files 0600).

#include <filesystem>
#include <string_view>

#include "common/error.h"
#include "config/types.h"
#include "manifests/pod_specs.h"
#include "plan/effects.h"

namespace kadm::manifests {

// component: "kube-apiserver", "kube-controller-manager", "kube-scheduler", or "" for all three.
Status write_control_plane_manifests(const config::InitConfiguration& cfg,
                                     const std::filesystem::path& manifests_dir,
                                     std::string_view component, plan::Effects& effects,
                                     const HostFacts& host = real_host());

// The local etcd's data directory (dataDir, /var/lib/etcd by default) at 0700, created before its
// manifest so the kubelet does not make it 0755 (CIS 1.1.11); an existing one loses group and
// other bits. Nothing for external etcd.
Status ensure_etcd_data_dir(const config::ClusterConfiguration& cluster, plan::Effects& effects);

// Also ensures the etcd data directory (ensure_etcd_data_dir).
Status write_local_etcd_manifest(const config::InitConfiguration& cfg,
                                 const std::filesystem::path& manifests_dir, plan::Effects& effects,
                                 const HostFacts& host = real_host());

}  // namespace kadm::manifests
