#include "config/join_flags.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "config/init_flags.h"
#include "config/load.h"
#include "config/profile.h"
#include "config/validate.h"

namespace kadm::config {

namespace {

struct FlagPresence {
  std::string_view name;
  std::function<bool(const JoinFlags&)> is_set;
};

template <class M>
FlagPresence flag(std::string_view name, M JoinFlags::*member) {
  return {name, [member](const JoinFlags& f) { return (f.*member).has_value(); }};
}

const std::vector<FlagPresence>& join_flag_table() {
  static const std::vector<FlagPresence> table = {
      flag("api-server-endpoint", &JoinFlags::api_server_endpoint),
      flag("token", &JoinFlags::token),
      flag("discovery-token", &JoinFlags::discovery_token),
      flag("discovery-token-ca-cert-hash", &JoinFlags::discovery_token_ca_cert_hash),
      flag("discovery-token-unsafe-skip-ca-verification",
           &JoinFlags::discovery_token_unsafe_skip_ca_verification),
      flag("discovery-file", &JoinFlags::discovery_file),
      flag("tls-bootstrap-token", &JoinFlags::tls_bootstrap_token),
      flag("node-name", &JoinFlags::node_name),
      flag("cri-socket", &JoinFlags::cri_socket),
      flag("control-plane", &JoinFlags::control_plane),
      flag("certificate-key", &JoinFlags::certificate_key),
      flag("apiserver-advertise-address", &JoinFlags::apiserver_advertise_address),
      flag("apiserver-bind-port", &JoinFlags::apiserver_bind_port),
      flag("ignore-preflight-errors", &JoinFlags::ignore_preflight_errors),
      flag("skip-phases", &JoinFlags::skip_phases),
      flag("dry-run", &JoinFlags::dry_run),
      flag("patches", &JoinFlags::patches),
      flag("profile", &JoinFlags::profile),
  };
  return table;
}

template <class T>
void assign_if(const std::optional<T>& flag_value, T& field) {
  if (flag_value) field = *flag_value;
}

JoinConfiguration config_from_flags(const JoinFlags& f) {
  JoinConfiguration cfg;
  auto& d = cfg.discovery;
  if (f.discovery_file) {
    d.file = FileDiscovery{*f.discovery_file};
  } else if (f.token || f.discovery_token || f.api_server_endpoint) {
    auto& bt = d.bootstrap_token.emplace();
    // --discovery-token wins over the shared --token for discovery, as in kubeadm.
    bt.token = f.discovery_token.value_or(f.token.value_or(""));
    assign_if(f.api_server_endpoint, bt.api_server_endpoint);
    assign_if(f.discovery_token_ca_cert_hash, bt.ca_cert_hashes);
    assign_if(f.discovery_token_unsafe_skip_ca_verification, bt.unsafe_skip_ca_verification);
  }
  d.tls_bootstrap_token = f.tls_bootstrap_token.value_or(f.token.value_or(""));
  if (f.control_plane.value_or(false)) {
    auto& cp = cfg.control_plane.emplace();
    assign_if(f.apiserver_advertise_address, cp.local_api_endpoint.advertise_address);
    assign_if(f.apiserver_bind_port, cp.local_api_endpoint.bind_port);
    assign_if(f.certificate_key, cp.certificate_key);
  }
  assign_if(f.cri_socket, cfg.node_registration.cri_socket);
  assign_if(f.patches, cfg.patches_directory);
  return cfg;
}

Result<JoinConfiguration> config_from_file(const std::string& path, Profile& profile) {
  auto loaded = KADM_TRY(load_config_file(path));
  for (const auto& w : loaded.warnings) spdlog::warn("[config] {}", w);
  if (!loaded.join) {
    return fail(ErrorKind::Validation, path +
                                           " contains no JoinConfiguration document; "
                                           "`kadm config print join-defaults` shows one");
  }
  if (loaded.profile) profile = *loaded.profile;
  return std::move(*loaded.join);
}

}  // namespace

std::vector<std::string> set_flag_names(const JoinFlags& flags) {
  std::vector<std::string> names;
  for (const auto& f : join_flag_table()) {
    if (f.is_set(flags)) names.emplace_back(f.name);
  }
  return names;
}

Result<JoinConfiguration> resolve_join_config(const JoinFlags& flags,
                                              std::optional<std::string> config_path,
                                              std::string_view hostname,
                                              const AddressDetector& detect, Profile* profile_out) {
  KADM_TRY(check_config_flag_mix(set_flag_names(flags), config_path.has_value()));
  Profile profile = Profile::Default;
  JoinConfiguration cfg =
      config_path ? KADM_TRY(config_from_file(*config_path, profile)) : config_from_flags(flags);
  assign_if(flags.dry_run, cfg.dry_run);
  assign_if(flags.node_name, cfg.node_registration.name);
  assign_if(flags.skip_phases, cfg.skip_phases);
  if (flags.profile) profile = KADM_TRY_CTX(parse_profile(*flags.profile), "--profile");
  if (profile_out) *profile_out = profile;
  if (flags.ignore_preflight_errors) {
    auto& names = cfg.node_registration.ignore_preflight_errors;
    for (const auto& n : *flags.ignore_preflight_errors) {
      if (std::ranges::find(names, n) == names.end()) names.push_back(n);
    }
  }
  set_join_defaults(cfg);
  KADM_TRY(set_join_dynamic_defaults(cfg, hostname, detect));
  KADM_TRY(to_status(validate_join(cfg)));
  return cfg;
}

}  // namespace kadm::config
