#pragma once
// Writes kubeadm's static pod manifests through plan::Effects (spec §3.1: dir 0700, files 0600).

#include <filesystem>
#include <string_view>

#include "common/error.h"
#include "config/profile.h"
#include "config/types.h"
#include "manifests/pod_specs.h"
#include "patches/patches.h"
#include "plan/effects.h"

namespace kadm::manifests {

// The pod as JSON after the patches for its target (the pod's name: etcd, kube-apiserver, ...);
// quiet: without the "[patches] Applied patch" lines. No patches: the pod as kadm builds it.
Result<nlohmann::json> patched_pod(const Pod& pod, const patches::PatchSet* patches,
                                   bool quiet = false);
// The manifest text kadm writes for the pod: patched, in kubeadm's YAML style.
Result<std::string> manifest_yaml(const Pod& pod, const patches::PatchSet* patches);

// component: "kube-apiserver", "kube-controller-manager", "kube-scheduler", or "" for all three.
// Every manifest is built and patched before the first is written.
Status write_control_plane_manifests(const config::InitConfiguration& cfg,
                                     const std::filesystem::path& manifests_dir,
                                     std::string_view component, plan::Effects& effects,
                                     const patches::PatchSet* patches, const host::Host& host);

// The static Pod manifests' directory, made at 0700 with its missing parents (an existing one is
// left as it is).
Status make_manifests_dir(const std::filesystem::path& manifests_dir, plan::Effects& effects);

// The local etcd's data directory (dataDir, /var/lib/etcd by default) at 0700, created before its
// manifest so the kubelet does not make it 0755 (CIS 1.1.11); an existing one loses group and
// other bits. With the cis profile it is owned by the system user and group etcd (made when
// missing; CIS 1.1.12). Nothing for external etcd.
Status ensure_etcd_data_dir(const config::ClusterConfiguration& cluster, plan::Effects& effects,
                            config::Profile profile = config::Profile::Default);

// What kube-apiserver's audit flags need on the host: kadm's audit policy file (0600) when
// --audit-policy-file names it, and the audit log's directory (0700). Nothing without them.
Status write_audit_files(const config::ClusterConfiguration& cluster, plan::Effects& effects);

// Also ensures the etcd data directory (ensure_etcd_data_dir).
Status write_local_etcd_manifest(const config::InitConfiguration& cfg,
                                 const std::filesystem::path& manifests_dir, plan::Effects& effects,
                                 const patches::PatchSet* patches, const host::Host& host,
                                 config::Profile profile = config::Profile::Default);

// Applies, without writing or logging, the patches of every static Pod this configuration has
// (etcd only when local), so that a patch that cannot apply stops a command before it writes.
Status check_static_pod_patches(const config::InitConfiguration& cfg,
                                const patches::PatchSet& patches, const host::Host& host);

}  // namespace kadm::manifests
