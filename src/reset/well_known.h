#pragma once
// What kadm reset may touch, as data: only paths kadm (or kubeadm) creates. Anything not listed
// here is left alone, and what is deliberately left is listed with the command that removes it.

#include <filesystem>
#include <string>
#include <vector>

#include "common/constants.h"

namespace kadm::reset {

// Where the well-known paths live; tests point these at a fixture tree.
struct ResetPaths {
  std::filesystem::path kubernetes_dir = "/etc/kubernetes";
  std::filesystem::path kubelet_dir = "/var/lib/kubelet";
  std::filesystem::path cert_dir = constants::kDefaultCertificatesDir;

  std::filesystem::path manifests_dir() const { return kubernetes_dir / "manifests"; }
  std::filesystem::path tmp_dir() const { return kubernetes_dir / "tmp"; }
  std::filesystem::path etcd_manifest() const { return manifests_dir() / "etcd.yaml"; }
};

// The kubeconfig files kadm writes into the Kubernetes dir.
const std::vector<std::string>& kubeconfig_file_names();

// What reset leaves on purpose, and how a user removes it by hand.
struct Leftover {
  std::string what;
  std::string command;
};
const std::vector<Leftover>& leftovers();

}  // namespace kadm::reset
