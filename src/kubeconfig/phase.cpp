#include "kubeconfig/phase.h"

#include <spdlog/spdlog.h>

#include "certs/keys.h"
#include "certs/phase.h"
#include "certs/x509.h"
#include "common/constants.h"
#include "common/fs.h"
#include "common/net.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "kubeconfig/kubeconfig_file.h"

namespace kadm::kubeconfig {
namespace {

namespace stdfs = std::filesystem;

std::string admin_user(const config::InitConfiguration&) { return "kubernetes-admin"; }
std::string super_admin_user(const config::InitConfiguration&) { return "kubernetes-super-admin"; }
std::string kubelet_user(const config::InitConfiguration& cfg) {
  return std::string(constants::kNodeUserPrefix) + cfg.node_registration.name;
}
std::string controller_manager_user(const config::InitConfiguration&) {
  return "system:kube-controller-manager";
}
std::string scheduler_user(const config::InitConfiguration&) { return "system:kube-scheduler"; }

std::vector<std::string> admin_orgs(const certs::VersionRules& r) { return {r.admin_group}; }
std::vector<std::string> masters(const certs::VersionRules&) {
  return {std::string(constants::kSystemMasters)};
}
std::vector<std::string> nodes(const certs::VersionRules&) {
  return {std::string(constants::kNodesGroup)};
}
std::vector<std::string> none(const certs::VersionRules&) { return {}; }

bool always(const certs::VersionRules&) { return true; }
bool with_super_admin(const certs::VersionRules& r) { return r.super_admin_conf; }

int bind_port(const config::InitConfiguration& cfg) {
  return cfg.local_api_endpoint.bind_port > 0 ? cfg.local_api_endpoint.bind_port
                                              : constants::kAPIServerPort;
}

std::string cluster_name_of(const config::InitConfiguration& cfg) {
  return cfg.cluster.cluster_name.empty() ? std::string(constants::kDefaultClusterName)
                                          : cfg.cluster.cluster_name;
}

bool kubelet_local_mode(const config::InitConfiguration& cfg, const certs::VersionRules& rules) {
  auto it = cfg.cluster.feature_gates.find("ControlPlaneKubeletLocalMode");
  return it != cfg.cluster.feature_gates.end() ? it->second : rules.kubelet_local_mode_default;
}

Result<std::string> server_for(const KubeconfigDef& def, const config::InitConfiguration& cfg) {
  switch (def.server) {
    case ServerKind::ControlPlaneEndpoint:
      return control_plane_url(cfg);
    case ServerKind::LocalEndpoint:
      return local_api_url(cfg);
    case ServerKind::KubeletDefault:
      return kubelet_local_mode(cfg, certs::rules_for(cfg.cluster)) ? local_api_url(cfg)
                                                                    : control_plane_url(cfg);
  }
  return control_plane_url(cfg);
}

Result<std::string> client_cert_kubeconfig(const config::InitConfiguration& cfg,
                                           const certs::CaPair& ca, const std::string& server,
                                           const std::string& client_name,
                                           const std::vector<std::string>& orgs,
                                           certs::UniqueEvpPkey key, certs::TimePoint start,
                                           Duration validity) {
  if (!ca.key) {
    return fail(ErrorKind::Tls, "the CA key is not available (external CA); the kubeconfig for \"" +
                                    client_name + "\" must be provided by the user");
  }
  certs::CertRequest req{client_name, orgs, {}, {certs::ExtKeyUsage::ClientAuth}};
  auto options = certs::leaf_signing_options(cfg, start, ca.cert.get());
  if (validity.count() > 0) options.not_after = start + validity;
  auto cert = KADM_TRY(certs::sign_leaf(req, key.get(), ca.cert.get(), ca.key.get(), options));
  KubeconfigSpec spec;
  spec.cluster_name = cluster_name_of(cfg);
  spec.server = server;
  spec.ca_pem = ca.cert_pem;
  spec.user = client_name;
  spec.client_cert_pem = KADM_TRY(certs::certificate_pem(cert.get()));
  spec.client_key_pem = KADM_TRY(certs::private_key_pem(key.get()));
  return render(spec);
}

Status check_existing(const stdfs::path& path, const std::string& expected_ca,
                      const std::string& expected_server) {
  auto existing = KADM_TRY(load(path));
  std::string ca = existing.ca_pem;
  if (ca.empty() && !existing.ca_file.empty()) ca = fs::read_file(existing.ca_file).value_or("");
  if (str::trim(ca) != str::trim(expected_ca)) {
    return fail(ErrorKind::Validation, "a kubeconfig file \"" + path.string() +
                                           "\" exists already but has got the wrong CA cert");
  }
  if (existing.server != expected_server) {
    spdlog::warn(
        "[kubeconfig] WARNING: a kubeconfig file \"{}\" exists already but has an "
        "unexpected API Server URL: expected: {}, got: {}",
        path.string(), expected_server, existing.server);
  }
  spdlog::info("[kubeconfig] Using existing kubeconfig file: \"{}\"", path.string());
  return {};
}

std::string key_id(const KubeconfigDef& def) { return "kubeconfig/" + std::string(def.file_name); }

}  // namespace

const std::vector<KubeconfigDef>& kubeconfig_table() {
  static const std::vector<KubeconfigDef> table{
      {"admin", constants::kAdminConf,
       "Generate a kubeconfig file for the admin to use and for kadm itself", admin_user,
       admin_orgs, ServerKind::ControlPlaneEndpoint, always, true},
      {"super-admin", constants::kSuperAdminConf,
       "Generate a kubeconfig file for the super-admin (system:masters, bypasses RBAC)",
       super_admin_user, masters, ServerKind::ControlPlaneEndpoint, with_super_admin, true},
      {"kubelet", constants::kKubeletConf,
       "Generate a kubeconfig file for the kubelet to use only for cluster bootstrapping",
       kubelet_user, nodes, ServerKind::KubeletDefault, always, false},
      {"controller-manager", constants::kControllerManagerConf,
       "Generate a kubeconfig file for the controller manager to use", controller_manager_user,
       none, ServerKind::LocalEndpoint, always, true},
      {"scheduler", constants::kSchedulerConf,
       "Generate a kubeconfig file for the scheduler to use", scheduler_user, none,
       ServerKind::LocalEndpoint, always, true},
  };
  return table;
}

const KubeconfigDef* find_kubeconfig(std::string_view name) {
  for (const auto& def : kubeconfig_table()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

Result<std::string> local_api_url(const config::InitConfiguration& cfg) {
  auto ip = net::canonical_ip(cfg.local_api_endpoint.advertise_address);
  if (!ip) {
    return fail(ErrorKind::Validation,
                "invalid advertise address \"" + cfg.local_api_endpoint.advertise_address + "\"");
  }
  return net::https_url(*ip, bind_port(cfg));
}

Result<std::string> control_plane_url(const config::InitConfiguration& cfg) {
  if (cfg.cluster.control_plane_endpoint.empty()) return local_api_url(cfg);
  auto hp = KADM_TRY_CTX(net::parse_host_port(cfg.cluster.control_plane_endpoint),
                         "error parsing controlPlaneEndpoint");
  return net::https_url(hp.host, hp.port.value_or(bind_port(cfg)));
}

Status run_kubeconfig_phase(std::string_view name, const config::InitConfiguration& cfg,
                            const stdfs::path& kubeconfig_dir, certs::PkiState& state,
                            plan::Effects& effects) {
  const auto* def = find_kubeconfig(name);
  if (!def) {
    return fail(ErrorKind::Validation, "unknown kubeconfig file \"" + std::string(name) + "\"");
  }
  auto rules = certs::rules_for(cfg.cluster);
  if (!def->applies(rules)) {
    spdlog::debug("[kubeconfig] {} does not apply to Kubernetes {}", def->file_name,
                  cfg.cluster.kubernetes_version);
    return {};
  }
  auto ctx = "kubeconfig file \"" + std::string(def->file_name) + "\"";
  const certs::CaPair* ca =
      KADM_TRY_CTX(state.resolve_ca("ca", config::certificates_dir_or_default(cfg.cluster)), ctx);
  auto server = KADM_TRY_CTX(server_for(*def, cfg), ctx);
  auto path = kubeconfig_dir / def->file_name;
  if (fs::exists(path).value_or(false)) {
    KADM_TRY_CTX(check_existing(path, ca->cert_pem, server), ctx);
    return {};
  }
  auto key = KADM_TRY_CTX(state.take_key(key_id(*def), cfg.cluster.encryption_algorithm), ctx);
  auto text = KADM_TRY_CTX(
      client_cert_kubeconfig(cfg, *ca, server, def->client_name(cfg), def->organizations(rules),
                             std::move(key), state.start(), Duration{}),
      ctx);
  spdlog::info("[kubeconfig] Writing \"{}\" kubeconfig file", def->file_name);
  KADM_TRY_CTX(effects.apply(plan::WriteFile{path, std::move(text), 0600, true}), ctx);
  return {};
}

void prepare_kubeconfig_key(std::string_view name, const config::InitConfiguration& cfg,
                            const stdfs::path& kubeconfig_dir, certs::PkiState& state) {
  const auto* def = find_kubeconfig(name);
  if (!def || !def->applies(certs::rules_for(cfg.cluster))) return;
  if (fs::exists(kubeconfig_dir / def->file_name).value_or(false)) return;
  // An external CA (certificate without its key) signs nothing here: no key is needed.
  const stdfs::path ca_dir = config::certificates_dir_or_default(cfg.cluster);
  if (fs::exists(ca_dir / "ca.crt").value_or(false) &&
      !fs::exists(ca_dir / "ca.key").value_or(true)) {
    return;
  }
  state.pregenerate({key_id(*def)}, cfg.cluster.encryption_algorithm);
}

Status begin_kubeconfigs(const config::InitConfiguration& cfg, const stdfs::path& kubeconfig_dir,
                         certs::PkiState& state) {
  spdlog::info("[kubeconfig] Using kubeconfig folder \"{}\"", kubeconfig_dir.string());
  for (const auto& def : kubeconfig_table())
    prepare_kubeconfig_key(def.name, cfg, kubeconfig_dir, state);
  return {};
}

Status run_all_kubeconfigs(const config::InitConfiguration& cfg, const stdfs::path& kubeconfig_dir,
                           certs::PkiState& state, plan::Effects& effects) {
  return plan::with_held_writes(effects, [&]() -> Status {
    KADM_TRY(begin_kubeconfigs(cfg, kubeconfig_dir, state));
    for (const auto& def : kubeconfig_table()) {
      KADM_TRY(run_kubeconfig_phase(def.name, cfg, kubeconfig_dir, state, effects));
    }
    return {};
  });
}

Result<std::string> user_kubeconfig(const config::InitConfiguration& cfg, const certs::CaPair& ca,
                                    const std::string& client_name,
                                    const std::vector<std::string>& orgs, Duration validity) {
  auto server = KADM_TRY(control_plane_url(cfg));
  auto key = KADM_TRY(certs::generate_key(cfg.cluster.encryption_algorithm));
  return client_cert_kubeconfig(cfg, ca, server, client_name, orgs, std::move(key),
                                certs::Clock::now(), validity);
}

Result<std::string> token_kubeconfig(const config::InitConfiguration& cfg, const certs::CaPair& ca,
                                     const std::string& client_name, const std::string& token) {
  KubeconfigSpec spec;
  spec.cluster_name = cluster_name_of(cfg);
  spec.server = KADM_TRY(control_plane_url(cfg));
  spec.ca_pem = ca.cert_pem;
  spec.user = client_name;
  spec.token = token;
  return render(spec);
}

}  // namespace kadm::kubeconfig
