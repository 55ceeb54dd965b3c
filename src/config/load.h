#pragma once
// Reads kubeadm configuration files (multi-document YAML, kubeadm.k8s.io v1beta2/v1beta3/v1beta4
// plus KubeletConfiguration and KubeProxyConfiguration documents) into the internal model.
// Unknown fields become warnings; malformed YAML, wrong value types and unknown
// apiVersion/kind become one Validation error listing every problem with its line.
// No defaults are applied here (see defaults.h).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/profile.h"
#include "config/types.h"

namespace kadm::config {

struct LoadedConfig {
  // Set when an InitConfiguration or a ClusterConfiguration document was present; a lone
  // ClusterConfiguration yields an InitConfiguration with only `.cluster` filled.
  std::optional<InitConfiguration> init;
  std::optional<JoinConfiguration> join;
  std::optional<ResetConfiguration> reset;
  bool has_init_config = false;
  bool has_cluster_config = false;
  // The component config documents verbatim (one document each, without "---"); "" if absent.
  std::string kubelet_config_yaml;
  std::string kube_proxy_config_yaml;
  // The kadm.io/v1alpha1 KadmConfiguration document's profile, if one was given.
  std::optional<Profile> profile;
  ApiVersion version = ApiVersion::V1Beta4;  // of the kubeadm.k8s.io documents
  std::vector<std::string> warnings;         // "<source>:<line>: ..." one per problem
};

/// Parses `yaml`; `source_name` prefixes every message ("kubeadm.yaml:12: ...").
Result<LoadedConfig> load_config_text(std::string_view yaml, std::string_view source_name);
/// Reads and parses a file; an Io error if it cannot be read.
Result<LoadedConfig> load_config_file(const std::filesystem::path& path);

/// "kubeadm.k8s.io/v1beta4" etc.
std::string_view api_version_string(ApiVersion v);

}  // namespace kadm::config
