#pragma once
// Which checks run for which command, as data (spec §8.2): init, worker join, control-plane join
// (= join + init's "secondary" list). Every set starts with IsPrivilegedUser when it applies.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/types.h"
#include "config/version.h"
#include "cri/runtime.h"
#include "kubelet/kubelet_config.h"
#include "preflight/check.h"
#include "preflight/external_etcd_version.h"

namespace kadm::preflight {

// The newest Kubernetes minor this kadm knows; newer targets get the KubernetesVersion warning.
// Also the target assumed for join, which has no version of its own.
const config::KubeVersion& newest_supported_version();

class CriProbe;  // preflight/cri_checks.h

struct CheckSetOptions {
  // What kadm writes as the kubelet cgroupDriver when no kubelet config exists yet; empty when
  // this run does not decide it (join: the cluster's KubeletConfiguration, checked in
  // kubelet-start).
  std::string kubelet_cgroup_driver = "systemd";
  // The cgroupDriver of the KubeletConfiguration this run will write (init: kadm's defaults with
  // the user's document over them); when set it is checked instead of the file on disk.
  std::optional<std::string> planned_kubelet_cgroup_driver;
  // How ExternalEtcdVersion reaches etcd and waits between attempts (tests replace both).
  ExternalEtcdVersionOptions external_etcd;
  // How checks reach the container runtime; empty = the real gRPC client.
  cri::Connector cri_connector;
  // The runtime as one run sees it, shared by the CRI checks and the image pull so each question
  // is asked once; empty = made from the node's criSocket when the checks are built.
  std::shared_ptr<CriProbe> cri_probe;
};

/// What the KubeletConfiguration that init writes for `cfg` (kadm's defaults and the user's
/// document) says about swap: the Swap check of init reads it.
Result<kubelet::SwapSettings> kubelet_swap_settings(const config::InitConfiguration& cfg,
                                                    config::KubeVersion target);

/// Checks for `kadm init` of the first control plane, for target version `target`.
std::vector<Check> init_checks(const config::InitConfiguration& cfg, config::KubeVersion target,
                               const CheckSetOptions& options = {});
/// Checks for `kadm join`; with cfg.control_plane set, also the control-plane checks, which
/// need the cluster's configuration (`cluster`, fetched during discovery).
std::vector<Check> join_checks(const config::JoinConfiguration& cfg, config::KubeVersion target,
                               const config::ClusterConfiguration* cluster = nullptr,
                               const CheckSetOptions& options = {});
/// The node part of join_checks (kubeadm's JoinNodeChecks plus kadm's host preparation): what a
/// join checks before it contacts the cluster, for workers and control planes alike.
std::vector<Check> join_node_checks(const config::JoinConfiguration& cfg,
                                    config::KubeVersion target,
                                    const CheckSetOptions& options = {});
/// Init's checks for a control plane joining an existing cluster (no root or node checks), with
/// `cfg` = the cluster's ClusterConfiguration plus this node's endpoint and registration. With
/// `download_certs` (--certificate-key) the external etcd client files are not there yet.
std::vector<Check> secondary_control_plane_checks(const config::InitConfiguration& cfg,
                                                  config::KubeVersion target,
                                                  bool download_certs = false);

/// True for names some kadm or kubeadm version prints (case-insensitive), so an ignore list
/// written for another version is accepted with at most a warning for truly unknown names.
bool is_known_check_name(std::string_view name);

}  // namespace kadm::preflight
