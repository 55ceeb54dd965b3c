#include "config/init_flags.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <functional>

#include "common/strings.h"
#include "config/load.h"
#include "config/profile.h"
#include "config/validate.h"

namespace kadm::config {

namespace {

// Flags kubeadm accepts together with --config; besides these, every --skip-* flag is allowed.
// --profile is kadm's own and overrides the KadmConfiguration document's profile.
constexpr std::array<std::string_view, 5> kAllowedWithConfig = {
    "ignore-preflight-errors", "dry-run", "node-name", "upload-certs", "profile"};

struct FlagPresence {
  std::string_view name;
  std::function<bool(const InitFlags&)> is_set;
};

template <class M>
FlagPresence flag(std::string_view name, M InitFlags::*member) {
  return {name, [member](const InitFlags& f) { return (f.*member).has_value(); }};
}

const std::vector<FlagPresence>& init_flag_table() {
  static const std::vector<FlagPresence> table = {
      flag("apiserver-advertise-address", &InitFlags::apiserver_advertise_address),
      flag("apiserver-bind-port", &InitFlags::apiserver_bind_port),
      flag("apiserver-cert-extra-sans", &InitFlags::apiserver_cert_extra_sans),
      flag("cert-dir", &InitFlags::cert_dir),
      flag("certificate-key", &InitFlags::certificate_key),
      flag("control-plane-endpoint", &InitFlags::control_plane_endpoint),
      flag("cri-socket", &InitFlags::cri_socket),
      flag("dry-run", &InitFlags::dry_run),
      flag("feature-gates", &InitFlags::feature_gates),
      flag("ignore-preflight-errors", &InitFlags::ignore_preflight_errors),
      flag("image-repository", &InitFlags::image_repository),
      flag("kubernetes-version", &InitFlags::kubernetes_version),
      flag("node-name", &InitFlags::node_name),
      flag("patches", &InitFlags::patches),
      flag("pod-network-cidr", &InitFlags::pod_network_cidr),
      flag("profile", &InitFlags::profile),
      flag("service-cidr", &InitFlags::service_cidr),
      flag("service-dns-domain", &InitFlags::service_dns_domain),
      flag("skip-certificate-key-print", &InitFlags::skip_certificate_key_print),
      flag("skip-phases", &InitFlags::skip_phases),
      flag("skip-token-print", &InitFlags::skip_token_print),
      flag("token", &InitFlags::token),
      flag("token-ttl", &InitFlags::token_ttl),
      flag("upload-certs", &InitFlags::upload_certs),
  };
  return table;
}

template <class T>
void assign_if(const std::optional<T>& flag_value, T& field) {
  if (flag_value) field = *flag_value;
}

void merge_ignore_preflight(const std::optional<std::vector<std::string>>& flag_value,
                            std::vector<std::string>& field) {
  if (!flag_value) return;
  for (const auto& name : *flag_value) {
    if (std::ranges::find(field, name) == field.end()) field.push_back(name);
  }
}

// The flags that also make sense with --config, applied on top of the file.
void apply_allowed_flags(const InitFlags& f, InitConfiguration& cfg) {
  assign_if(f.dry_run, cfg.dry_run);
  assign_if(f.node_name, cfg.node_registration.name);
  assign_if(f.skip_phases, cfg.skip_phases);
  merge_ignore_preflight(f.ignore_preflight_errors, cfg.node_registration.ignore_preflight_errors);
}

Result<InitConfiguration> config_from_flags(const InitFlags& f) {
  InitConfiguration cfg;
  auto& c = cfg.cluster;
  assign_if(f.apiserver_advertise_address, cfg.local_api_endpoint.advertise_address);
  assign_if(f.apiserver_bind_port, cfg.local_api_endpoint.bind_port);
  assign_if(f.apiserver_cert_extra_sans, c.api_server.cert_sans);
  assign_if(f.cert_dir, c.certificates_dir);
  assign_if(f.certificate_key, cfg.certificate_key);
  assign_if(f.control_plane_endpoint, c.control_plane_endpoint);
  assign_if(f.cri_socket, cfg.node_registration.cri_socket);
  assign_if(f.image_repository, c.image_repository);
  assign_if(f.kubernetes_version, c.kubernetes_version);
  assign_if(f.patches, cfg.patches_directory);
  assign_if(f.pod_network_cidr, c.networking.pod_subnet);
  assign_if(f.service_cidr, c.networking.service_subnet);
  assign_if(f.service_dns_domain, c.networking.dns_domain);
  if (f.feature_gates)
    c.feature_gates = KADM_TRY_CTX(parse_feature_gates(*f.feature_gates), "--feature-gates");
  if (f.token || f.token_ttl) {
    auto& token = cfg.bootstrap_tokens.emplace_back();
    assign_if(f.token, token.token);
    if (f.token_ttl) token.ttl = KADM_TRY_CTX(parse_duration(*f.token_ttl), "--token-ttl");
  }
  return cfg;
}

Result<InitConfiguration> config_from_file(const std::string& path, Profile& profile) {
  auto loaded = KADM_TRY(load_config_file(path));
  for (const auto& w : loaded.warnings) spdlog::warn("[config] {}", w);
  if (!loaded.init) {
    return fail(ErrorKind::Validation, path +
                                           " contains no InitConfiguration or ClusterConfiguration "
                                           "document; `kadm config print init-defaults` shows one");
  }
  loaded.init->kubelet_config_yaml = std::move(loaded.kubelet_config_yaml);
  loaded.init->kube_proxy_config_yaml = std::move(loaded.kube_proxy_config_yaml);
  if (loaded.profile) profile = *loaded.profile;
  return std::move(*loaded.init);
}

}  // namespace

std::vector<std::string> set_flag_names(const InitFlags& flags) {
  std::vector<std::string> names;
  for (const auto& f : init_flag_table()) {
    if (f.is_set(flags)) names.emplace_back(f.name);
  }
  return names;
}

Status check_config_flag_mix(const std::vector<std::string>& set_flags, bool has_config) {
  if (!has_config) return {};
  std::vector<std::string> mixed;
  for (const auto& name : set_flags) {
    const bool allowed = str::starts_with(name, "skip-") ||
                         std::ranges::find(kAllowedWithConfig, name) != kAllowedWithConfig.end();
    if (!allowed) mixed.push_back("--" + name);
  }
  if (mixed.empty()) return {};
  return fail(ErrorKind::Validation,
              "can not mix '--config' with arguments " + str::join(mixed, ", ") +
                  ": put these settings into the configuration file instead (only "
                  "--ignore-preflight-errors, --dry-run, --node-name, --upload-certs, "
                  "--profile and --skip-* may accompany --config)");
}

Result<std::map<std::string, bool>> parse_feature_gates(std::string_view text) {
  std::map<std::string, bool> gates;
  for (const auto& entry : str::split(text, ',')) {
    const auto eq = entry.find('=');
    const auto name = str::trim(entry.substr(0, eq));
    const auto value = eq == std::string::npos ? "" : str::lower(str::trim(entry.substr(eq + 1)));
    if (name.empty() || (value != "true" && value != "false")) {
      return fail(ErrorKind::Validation, "invalid feature gate \"" + entry +
                                             "\": use Name=true or Name=false, comma-separated");
    }
    gates[name] = value == "true";
  }
  return gates;
}

Result<InitConfiguration> resolve_init_config(const InitFlags& flags,
                                              std::optional<std::string> config_path,
                                              std::string_view hostname,
                                              const AddressDetector& detect, Profile* profile_out) {
  KADM_TRY(check_config_flag_mix(set_flag_names(flags), config_path.has_value()));
  Profile profile = Profile::Default;
  InitConfiguration cfg = config_path ? KADM_TRY(config_from_file(*config_path, profile))
                                      : KADM_TRY(config_from_flags(flags));
  apply_allowed_flags(flags, cfg);
  if (flags.profile) profile = KADM_TRY_CTX(parse_profile(*flags.profile), "--profile");
  set_init_defaults(cfg);
  KADM_TRY(apply_profile(cfg, profile));
  if (profile_out) *profile_out = profile;
  KADM_TRY(set_init_dynamic_defaults(cfg, hostname, detect));
  KADM_TRY(to_status(validate_init(cfg)));
  return cfg;
}

}  // namespace kadm::config
