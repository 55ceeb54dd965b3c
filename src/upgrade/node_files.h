#pragma once
// The files `upgrade apply` / `upgrade node` / `upgrade diff` compute for this node: the new
// static Pod manifests (init's builders and patches), this node's identity, and the kubelet's
// flags file as the target release wants it.

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "config/version.h"
#include "host/host.h"
#include "manifests/pod_specs.h"
#include "patches/patches.h"
#include "upgrade/upgrade_data.h"

namespace kadm::upgrade {

// kubeadm's order: etcd first, then the API server, the controller-manager, the scheduler.
inline constexpr std::string_view kComponentOrder[] = {"etcd", "kube-apiserver",
                                                       "kube-controller-manager", "kube-scheduler"};

struct NewManifest {
  std::string component;
  std::string yaml;
};

// The manifests init would write for `cfg` (patched), in kubeadm's order; etcd only when
// `with_etcd` and the etcd is local, run as the user its current manifest in `manifests_dir`
// names (a cis profile's etcd stays non-root).
Result<std::vector<NewManifest>> new_manifests(const config::InitConfiguration& cfg,
                                               const patches::PatchSet* patches, bool with_etcd,
                                               const host::Host& host,
                                               const std::filesystem::path& manifests_dir);

// True when both manifests decode to the same Pod (formatting and key order do not count).
bool same_pod(const std::string& a_yaml, const std::string& b_yaml);

// The image tag of the first container of a manifest ("" when unreadable).
std::string manifest_image_tag(const std::string& yaml);

// etcd image tags ("3.6.8-0") compared as versions: negative when a < b.
int compare_etcd_tags(std::string_view a, std::string_view b);

// This node's name (kubelet.conf's client certificate, system:node:<name>; else the host name),
// its API endpoint (from its kube-apiserver manifest, control planes only) and its runtime
// endpoint.
Result<NodeIdentity> read_node_identity(const host::Host& host,
                                        const std::filesystem::path& kubernetes_dir,
                                        const std::filesystem::path& kubelet_dir,
                                        bool control_plane);

// The InitConfiguration the node's new files are built from: `cluster` at `target`, this node's
// registration and endpoint, the stored component configs.
config::InitConfiguration node_configuration(config::ClusterConfiguration cluster,
                                             const config::KubeVersion& target,
                                             const NodeIdentity& node,
                                             const std::string& kubelet_yaml,
                                             const std::string& kube_proxy_yaml);

// kubeadm-flags.env for the target release: without --pod-infra-container-image (the kubelet
// takes the sandbox image from the runtime), and without --container-runtime-endpoint when it
// moves into instance-config.yaml (`move_endpoint`). Returns the endpoint it removed in
// `moved` ("" if none).
std::string upgraded_flags_env(const std::string& text, bool move_endpoint, std::string& moved);

}  // namespace kadm::upgrade
