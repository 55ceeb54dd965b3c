#pragma once
// `kadm upgrade plan` (spec-upgrade §1): what runs in the cluster now, what kadm would install,
// and the refusal when the target is more than one minor away. Pure: ClusterState in, plan out.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/types.h"
#include "config/version.h"

namespace kadm::upgrade {

// version -> the nodes that run it (a version key is the image tag, "v1.36.3" or "3.6.8-0").
using VersionNodes = std::map<std::string, std::vector<std::string>>;

struct ClusterState {
  std::string api_server_version;  // /version gitVersion ("v1.36.3")
  VersionNodes api_server;         // from the kube-apiserver Pods' images
  VersionNodes controller_manager;
  VersionNodes scheduler;
  VersionNodes etcd;     // empty: external etcd
  VersionNodes kubelet;  // status.nodeInfo.kubeletVersion of every Node
  std::string coredns;   // image tag of the CoreDNS Deployment ("" if there is none)
  // apiVersion of the stored component configs ("" when the ConfigMap is absent).
  std::string kubelet_config_api_version;
  std::string kube_proxy_config_api_version;
};

struct PlanComponent {
  std::string name;  // kubelet, kube-apiserver, ..., kube-proxy, CoreDNS, etcd
  std::string node;  // "" for cluster-wide components
  std::string current;
  std::string target;
};

struct ConfigVersion {
  std::string group;
  std::string current;
  std::string preferred;
  bool manual_upgrade_required = false;
};

struct UpgradePlan {
  config::KubeVersion cluster;
  config::KubeVersion target;
  std::string description;               // "stable version", "version in the v1.37 series"
  std::vector<PlanComponent> kubelets;   // upgraded by hand after apply (kubelet binaries)
  std::vector<PlanComponent> automatic;  // what `upgrade apply` changes
  std::vector<ConfigVersion> configs;
  bool up_to_date = false;  // nothing to do
  std::string refusal;      // why the target cannot be reached from here ("" = it can)
};

struct PlanInputs {
  ClusterState state;
  std::optional<config::KubeVersion> requested;  // the [version] argument
  config::KubeVersion newest_known;              // kadm's newest release
  // The stored ClusterConfiguration: etcd.local.imageTag and dns.imageTag pin those versions,
  // external etcd has no etcd row.
  config::ClusterConfiguration cluster_config;
};

// The highest API server version (several differ during an upgrade); an Api error when no
// version can be read.
Result<config::KubeVersion> cluster_version(const ClusterState& state);

Result<UpgradePlan> compute_plan(const PlanInputs& in);

// kubeadm's text tables; `command` is the binary name for the apply line ("kadm").
std::string plan_text(const UpgradePlan& plan, std::string_view command = "kadm");
// output.kubeadm.k8s.io/v1alpha3 UpgradePlan.
nlohmann::ordered_json plan_json(const UpgradePlan& plan);

// "v1.36.3" from an image reference ".../kube-apiserver:v1.36.3"; '_' becomes '+'.
std::string image_tag(std::string_view image);

}  // namespace kadm::upgrade
