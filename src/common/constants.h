#pragma once
// Well-known paths, names and ports (spec §0). Facts only; no logic.

#include <string_view>

namespace kadm::constants {

inline constexpr std::string_view kKubernetesDir = "/etc/kubernetes";
inline constexpr std::string_view kManifestsSubdir = "manifests";
inline constexpr std::string_view kDefaultCertificatesDir = "/etc/kubernetes/pki";
inline constexpr std::string_view kTempSubdir = "tmp";
inline constexpr std::string_view kKubeletDir = "/var/lib/kubelet";
inline constexpr std::string_view kDefaultEtcdDataDir = "/var/lib/etcd";

inline constexpr std::string_view kAdminConf = "admin.conf";
inline constexpr std::string_view kSuperAdminConf = "super-admin.conf";
inline constexpr std::string_view kKubeletConf = "kubelet.conf";
inline constexpr std::string_view kBootstrapKubeletConf = "bootstrap-kubelet.conf";
inline constexpr std::string_view kControllerManagerConf = "controller-manager.conf";
inline constexpr std::string_view kSchedulerConf = "scheduler.conf";

inline constexpr int kAPIServerPort = 6443;
inline constexpr int kKubeletPort = 10250;
inline constexpr int kKubeletHealthzPort = 10248;
inline constexpr int kSchedulerPort = 10259;
inline constexpr int kControllerManagerPort = 10257;
inline constexpr int kEtcdClientPort = 2379;
inline constexpr int kEtcdPeerPort = 2380;
inline constexpr int kEtcdMetricsPort = 2381;

inline constexpr std::string_view kDefaultServiceSubnet = "10.96.0.0/12";
inline constexpr std::string_view kDefaultDNSDomain = "cluster.local";
inline constexpr std::string_view kDefaultClusterName = "kubernetes";

inline constexpr std::string_view kSystemMasters = "system:masters";
inline constexpr std::string_view kClusterAdminsGroup = "kubeadm:cluster-admins";
// The user (certificate CN) the API server presents to kubelets.
inline constexpr std::string_view kApiserverKubeletClientUser = "kube-apiserver-kubelet-client";
inline constexpr std::string_view kNodesGroup = "system:nodes";
inline constexpr std::string_view kNodeUserPrefix = "system:node:";
inline constexpr std::string_view kDefaultTokenGroup =
    "system:bootstrappers:kubeadm:default-node-token";

}  // namespace kadm::constants
