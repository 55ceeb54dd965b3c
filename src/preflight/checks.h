#pragma once
// Constructors for every preflight check. Each returns a Check value whose name is exactly what
// kubeadm prints (spec §8.2) or, for checks kubeadm does not have, a name of the same style.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/types.h"
#include "config/version.h"
#include "kubelet/kubelet_config.h"
#include "preflight/check.h"

namespace kadm::preflight {

class CriProbe;  // preflight/cri_checks.h

// --- kubeadm's checks ---
Check is_privileged_user();
Check num_cpu(int minimum);
Check mem(std::uint64_t minimum_mb);
Check kubernetes_version(std::string configured, config::KubeVersion newest_supported);
Check firewalld(std::vector<int> ports);
Check port_open(int port, std::string address = "");
Check file_available(std::string path);
Check dir_available(std::string path);
// First byte of `path` must be `want`; `sysctl_key` (may be "") lets the check offer a fix.
Check file_content(std::string path, std::string want, std::string sysctl_key);
Check in_path(std::string binary, Severity severity);
Check http_proxy(std::string url_host);
Check http_proxy_cidr(std::vector<std::string> cidrs);
Check external_etcd_client_certificates(config::ExternalEtcd etcd);
// `endpoint` as configured ("unix:///var/run/containerd/containerd.sock"); "" = detect. Asks the
// runtime over CRI (preflight/cri_checks.h has the variant sharing one probe with other checks).
Check cri_check(std::string endpoint);
// Swap on the host, for `target`. `kubelet` is what the KubeletConfiguration this run writes
// says about swap (init), or why it could not be read; nullopt when it is not known yet (a join
// reads it from the cluster later). Swap on with failSwapOn: true is an error whatever the
// target: the kubelet would refuse to start.
Check swap(config::KubeVersion target,
           std::optional<Result<kubelet::SwapSettings>> kubelet = std::nullopt);
Check system_verification();
// `node_name` = the name the node registers with; `explicit_name` when --node-name/config set it.
Check hostname(std::string node_name, bool explicit_name);
// `control_plane` sets the oldest kubelet supported; a kubelet newer than it is refused only when
// `refuse_newer` (a worker join does not know the cluster's version before discovery).
Check kubelet_version(config::KubeVersion control_plane, bool refuse_newer = true);
Check service_kubelet();

// --- host preparation kubeadm leaves to documentation ---
Check swap_fstab();
Check selinux();
Check bridge_netfilter();
Check sysctl(std::string key);
Check network_overlap(std::string pod_subnet, std::string service_subnet);
// `kubelet_default_driver` is what kadm writes into the kubelet config when none exists yet. The
// runtime's driver comes from CRI RuntimeConfig through `probe` when it answers, else from
// containerd's config file.
// `planned`: kubelet_driver is what this run writes, so the kubelet's file on disk is not read.
// An empty kubelet_driver means it is not known yet (a join learns it from the cluster's
// KubeletConfiguration in kubelet-start): only a kubelet config on disk is compared then.
Check cgroup_driver(std::string kubelet_driver, std::shared_ptr<CriProbe> probe = nullptr,
                    bool planned = false);

// The cgroupDriver a KubeletConfiguration document sets; nullopt when it sets none or does not
// parse.
std::optional<std::string> kubelet_config_cgroup_driver(std::string_view kubelet_config_yaml);

// The sysctls the seed guide sets to 1.
const std::vector<std::string>& required_sysctls();
// Known CRI endpoints probed when none is configured.
const std::vector<std::string>& known_cri_endpoints();

// Fix planners shared by several checks.
Fix swap_fix();
Fix sysctl_fix(const std::string& key);

// The proxy URL a request to https://`host` would use given the environment, or "".
std::string proxy_for(const host::Host& host, std::string_view scheme, std::string_view target);

}  // namespace kadm::preflight
