#pragma once
// `kadm join` flags and how they combine with --config (same rules as init_flags.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/defaults.h"
#include "config/profile.h"
#include "config/types.h"

namespace kadm::config {

/// Every field is nullopt unless given on the command line.
struct JoinFlags {
  std::optional<std::string> config_path;          // --config
  std::optional<std::string> api_server_endpoint;  // positional argument
  std::optional<std::string> token;
  std::optional<std::string> discovery_token;
  std::optional<std::vector<std::string>> discovery_token_ca_cert_hash;
  std::optional<bool> discovery_token_unsafe_skip_ca_verification;
  std::optional<std::string> discovery_file;
  std::optional<std::string> tls_bootstrap_token;
  std::optional<std::string> node_name;
  std::optional<std::string> cri_socket;
  std::optional<bool> control_plane;
  std::optional<std::string> certificate_key;
  std::optional<std::string> apiserver_advertise_address;
  std::optional<int> apiserver_bind_port;
  std::optional<std::vector<std::string>> ignore_preflight_errors;
  std::optional<std::vector<std::string>> skip_phases;
  std::optional<bool> dry_run;
  std::optional<std::string> patches;
  std::optional<std::string> profile;  // --profile (kadm's own): default | cis
};

/// Names of the flags that were set ("api-server-endpoint" stands for the positional argument).
std::vector<std::string> set_flag_names(const JoinFlags& flags);

/// Same contract as resolve_init_config.
Result<JoinConfiguration> resolve_join_config(const JoinFlags& flags,
                                              std::optional<std::string> config_path,
                                              std::string_view hostname,
                                              const AddressDetector& detect,
                                              Profile* profile = nullptr);

}  // namespace kadm::config
