#pragma once
// The run data of `kadm upgrade apply` and `kadm upgrade node`: the configuration the node's new
// files are built from (the cluster's ClusterConfiguration at the target version, with this
// node's identity), wrapped in init's run data so that upload-config, bootstrap-token RBAC and
// the addons are init's own code, and what was read from the cluster.

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "common/duration.h"
#include "config/version.h"
#include "init/init_data.h"
#include "upgrade/plan.h"

namespace kadm::staticpod {
class Probe;
}

namespace kadm::upgrade {

struct UpgradeOptions {
  bool apply = true;  // `upgrade apply` (first control plane) or `upgrade node`
  bool dry_run = false;
  bool force = false;
  bool yes = false;
  bool etcd_upgrade = true;
  bool certificate_renewal = true;
  bool allow_rc = false;
  bool allow_experimental = false;
  std::vector<std::string> ignore_preflight_errors;
  std::filesystem::path kubernetes_dir = "/etc/kubernetes";
  std::filesystem::path kubelet_dir = "/var/lib/kubelet";
  Duration timeout = std::chrono::minutes(5);  // timeouts.upgradeManifests
};

// Who this node is, read from its own files (kubelet.conf's certificate, the API server's
// manifest, the kubelet's runtime endpoint).
struct NodeIdentity {
  std::string name;
  std::string advertise_address;  // control planes only
  int bind_port = 0;
  std::string cri_socket;
};

struct UpgradeData {
  UpgradeOptions options;
  // cfg (at the target version), version (= target), effects, host, out, patches; api is the
  // client that writes (a dry-run client under --dry-run).
  init::InitData init;
  // The real cluster, for reads (also under --dry-run, which changes nothing).
  std::unique_ptr<apiclient::Client> reader;
  config::KubeVersion cluster;  // before the upgrade
  config::KubeVersion target;
  ClusterState state;
  NodeIdentity node;
  bool control_plane = true;  // this node has /etc/kubernetes/manifests/kube-apiserver.yaml
  std::istream* in = nullptr;
  std::unique_ptr<staticpod::Probe> probe;
  // The control-plane components replaced so far, for rollback.
  std::vector<std::string> replaced;

  std::filesystem::path manifests_dir() const { return options.kubernetes_dir / "manifests"; }
  std::filesystem::path tmp_dir() const { return options.kubernetes_dir / "tmp"; }
};

}  // namespace kadm::upgrade
