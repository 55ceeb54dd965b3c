#pragma once
// What the `kadm upgrade` subcommands share: their flags, the client of the cluster they read,
// and how a version argument becomes a target release.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "common/duration.h"
#include "common/error.h"
#include "config/version.h"
#include "upgrade/upgrade_data.h"

namespace kadm::cli::upgrade_cli {

struct UpgradeFlags {
  std::string version;
  std::optional<std::string> kubeconfig;
  std::optional<std::string> config_path;
  std::optional<bool> dry_run;
  std::optional<bool> etcd_upgrade;
  std::optional<bool> certificate_renewal;
  std::optional<bool> yes;
  std::optional<bool> force;
  std::optional<bool> allow_rc;
  std::optional<bool> allow_experimental;
  std::optional<bool> print_config;
  std::optional<std::string> patches;
  std::optional<std::vector<std::string>> ignore_preflight_errors;
  std::optional<std::vector<std::string>> skip_phases;
  std::string output = "text";
  // diff
  std::string api_server_manifest = "/etc/kubernetes/manifests/kube-apiserver.yaml";
  std::string controller_manager_manifest =
      "/etc/kubernetes/manifests/kube-controller-manager.yaml";
  std::string scheduler_manifest = "/etc/kubernetes/manifests/kube-scheduler.yaml";
  int context_lines = 3;
};

inline const std::filesystem::path kKubernetesDir = "/etc/kubernetes";

// /etc/kubernetes/manifests/kube-apiserver.yaml exists here.
bool is_control_plane_node();

// --kubeconfig, else $KUBECONFIG, else admin.conf on a control plane and kubelet.conf elsewhere.
std::string cluster_kubeconfig(const UpgradeFlags& f, bool control_plane);
// How long a call to the cluster is retried (also while a just-replaced API server still misses
// its RBAC roles).
inline constexpr Duration kClusterCallTimeout{60000};
// A client of the cluster_kubeconfig that reads (also under --dry-run, which changes nothing).
Result<std::unique_ptr<apiclient::Client>> cluster_client(const UpgradeFlags& f,
                                                          bool control_plane);

// "stable", "latest", ... mean kadm's newest release; anything else must be a release.
Result<config::KubeVersion> parse_target(const std::string& text);

// What `upgrade plan` has read from the cluster already: its checks use it instead of reading
// the stored configuration and every component's version a second time.
struct ClusterReads {
  std::unique_ptr<apiclient::Client> reader;
  config::ClusterConfiguration cluster_cfg;
  upgrade::ClusterState state;
};

// The run data of apply (`apply`) or node from the flags and the cluster. `planning`: plan's
// checks with apply's data (f.version the planned release), human text on stderr for -o json|yaml;
// `reads` (taken over): what the plan read.
Result<std::unique_ptr<upgrade::UpgradeData>> make_upgrade_data(const UpgradeFlags& f, bool apply,
                                                                bool planning,
                                                                ClusterReads* reads = nullptr);

// --kubeconfig; --allow-*-upgrades; --print-config (apply and plan, as in kubeadm).
void add_common(CLI::App* app, UpgradeFlags& f);
void add_allow(CLI::App* app, UpgradeFlags& f);
void add_print_config(CLI::App* app, UpgradeFlags& f);

}  // namespace kadm::cli::upgrade_cli
