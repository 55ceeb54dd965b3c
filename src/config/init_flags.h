#pragma once
// `kadm init` flags and how they combine with --config, in kubeadm's order: reject flags that
// may not accompany --config, load the file or build the configuration from flags, apply the
// flags allowed alongside --config, default, dynamic defaults, validate.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/defaults.h"
#include "config/profile.h"
#include "config/types.h"

namespace kadm::config {

/// Every field is nullopt unless the flag was given on the command line.
struct InitFlags {
  std::optional<std::string> config_path;  // --config
  std::optional<std::string> apiserver_advertise_address;
  std::optional<int> apiserver_bind_port;
  std::optional<std::vector<std::string>> apiserver_cert_extra_sans;
  std::optional<std::string> cert_dir;
  std::optional<std::string> certificate_key;
  std::optional<std::string> control_plane_endpoint;
  std::optional<std::string> cri_socket;
  std::optional<bool> dry_run;
  std::optional<std::string> feature_gates;  // "Name=true,Other=false"
  std::optional<std::vector<std::string>> ignore_preflight_errors;
  std::optional<std::string> image_repository;
  std::optional<std::string> kubernetes_version;
  std::optional<std::string> node_name;
  std::optional<std::string> patches;
  std::optional<std::string> pod_network_cidr;
  std::optional<std::string> service_cidr;
  std::optional<std::string> service_dns_domain;
  std::optional<bool> skip_certificate_key_print;
  std::optional<std::vector<std::string>> skip_phases;
  std::optional<bool> skip_token_print;
  std::optional<std::string> token;
  std::optional<std::string> token_ttl;
  std::optional<bool> upload_certs;
  std::optional<std::string> profile;  // --profile (kadm's own): default | cis
};

/// Names (without "--") of the flags that were set, in a stable order.
std::vector<std::string> set_flag_names(const InitFlags& flags);

/// Loads `config_path` (if any) or builds the configuration from `flags`, then defaults and
/// validates it. Errors: Validation for flag/config mixing, bad flag values and every
/// validation problem (all listed); Io if the file cannot be read.
/// The profile (--profile over the KadmConfiguration document) is applied to the configuration
/// and, when `profile` is given, stored there.
Result<InitConfiguration> resolve_init_config(const InitFlags& flags,
                                              std::optional<std::string> config_path,
                                              std::string_view hostname,
                                              const AddressDetector& detect,
                                              Profile* profile = nullptr);

/// "A=true,B=false" → map; a Validation error naming the malformed entry.
Result<std::map<std::string, bool>> parse_feature_gates(std::string_view text);

/// Error if --config is combined with flags kubeadm does not allow alongside it (anything but
/// --ignore-preflight-errors, --dry-run, --node-name, --upload-certs and the --skip-* flags).
Status check_config_flag_mix(const std::vector<std::string>& set_flags, bool has_config);

}  // namespace kadm::config
