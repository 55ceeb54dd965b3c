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
#include "common/error.h"
#include "config/version.h"

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

// The kubeconfig of --kubeconfig (else admin.conf on a control plane, kubelet.conf elsewhere),
// retrying RBAC's role-not-found refusals of a just-restarted API server.
Result<std::unique_ptr<apiclient::Client>> cluster_client(const UpgradeFlags& f,
                                                          bool control_plane);

// "stable", "latest", ... mean kadm's newest release; anything else must be a release.
Result<config::KubeVersion> parse_target(const std::string& text);

// --kubeconfig; --allow-*-upgrades.
void add_common(CLI::App* app, UpgradeFlags& f);
void add_allow(CLI::App* app, UpgradeFlags& f);

}  // namespace kadm::cli::upgrade_cli
