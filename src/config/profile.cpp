#include "config/profile.h"
#include "common/yaml_json.h"
#include "config/defaults.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

namespace kadm::config {

namespace {

constexpr auto API = Component::ApiServer;
constexpr auto KCM = Component::ControllerManager;
constexpr auto SCHED = Component::Scheduler;

// The cis profile's flags (CIS Kubernetes Benchmark 1.12).
const std::vector<ProfileArg> kCisArgs = {
    {API, "profiling", "false", "1.2.15"},
    {API, "audit-policy-file", kAuditPolicyPath, "1.2.16 (an audit log needs a policy)"},
    {API, "audit-log-path", kAuditLogPath, "1.2.16"},
    {API, "audit-log-maxage", "30", "1.2.17"},
    {API, "audit-log-maxbackup", "10", "1.2.18"},
    {API, "audit-log-maxsize", "100", "1.2.19"},
    {API, "service-account-extend-token-expiration", "false", "1.2.30"},
    // The kubelets' serving certificates are signed by the cluster CA (serverTLSBootstrap).
    {API, "kubelet-certificate-authority", "{pki}/ca.crt", "1.2.5"},
    {KCM, "profiling", "false", "1.3.2"},
    {SCHED, "profiling", "false", "1.4.1"},
};

// kubelet: serving certificates from the cluster CA (requested through kubelet-serving CSRs
// that kadm approves after checking them), the read-only port off.
constexpr std::string_view kCisKubelet = R"(apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 0
serverTLSBootstrap: true
)";

constexpr std::string_view kAuditPolicy =
    R"(# kadm cis profile: who did what, never request or response bodies.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
- RequestReceived
rules:
- level: None
  nonResourceURLs:
  - /healthz*
  - /livez*
  - /readyz*
  - /version
- level: None
  users:
  - system:kube-proxy
  verbs:
  - watch
- level: Metadata
)";

ControlPlaneComponent& component(ClusterConfiguration& c, Component which) {
  switch (which) {
    case Component::ApiServer:
      return c.api_server;
    case Component::ControllerManager:
      return c.controller_manager;
    case Component::Scheduler:
      return c.scheduler;
  }
  return c.api_server;
}

std::optional<std::string> last_arg(const std::vector<Arg>& args, std::string_view name) {
  for (auto it = args.rbegin(); it != args.rend(); ++it) {
    if (it->name == name) return it->value;
  }
  return std::nullopt;
}

void add_volume(std::vector<HostPathMount>& volumes, HostPathMount v) {
  if (std::ranges::any_of(volumes, [&](const auto& e) { return e.name == v.name; })) return;
  volumes.push_back(std::move(v));
}

}  // namespace

Result<Profile> parse_profile(std::string_view name) {
  if (name.empty() || name == "default") return Profile::Default;
  if (name == "cis") return Profile::Cis;
  return fail(ErrorKind::Validation,
              "unknown profile \"" + std::string(name) + "\": use one of default, cis");
}

std::string_view profile_name(Profile p) { return p == Profile::Cis ? "cis" : "default"; }

const std::vector<ProfileArg>& profile_args(Profile p) {
  static const std::vector<ProfileArg> none;
  return p == Profile::Cis ? kCisArgs : none;
}

std::string audit_policy_yaml() { return std::string(kAuditPolicy); }

std::string profile_kubelet_yaml(Profile p) {
  return p == Profile::Cis ? std::string(kCisKubelet) : std::string();
}

std::string audit_log_dir(const ClusterConfiguration& cluster) {
  auto path = last_arg(cluster.api_server.extra_args, "audit-log-path");
  if (!path || path->empty() || *path == "-") return "";
  return std::filesystem::path(*path).parent_path().string();
}

bool uses_kadm_audit_policy(const ClusterConfiguration& cluster) {
  return last_arg(cluster.api_server.extra_args, "audit-policy-file") ==
         std::string(kAuditPolicyPath);
}

Status apply_profile(InitConfiguration& cfg, Profile profile) {
  if (profile == Profile::Default) return {};
  auto& cluster = cfg.cluster;
  const std::string pki = certificates_dir_or_default(cluster);
  std::map<Component, std::vector<Arg>> added;
  for (const auto& a : profile_args(profile)) {
    if (last_arg(component(cluster, a.component).extra_args, a.name)) continue;  // user wins
    std::string value(a.value);
    if (auto pos = value.find("{pki}"); pos != std::string::npos) value.replace(pos, 5, pki);
    added[a.component].push_back(Arg{std::string(a.name), value});
  }
  // Before the user's own entries, as defaults would be.
  for (auto& [which, args] : added) {
    auto& extra = component(cluster, which).extra_args;
    extra.insert(extra.begin(), args.begin(), args.end());
  }
  auto& api = cluster.api_server;
  if (uses_kadm_audit_policy(cluster)) {
    add_volume(api.extra_volumes, {"audit-policy", std::string(kAuditPolicyPath),
                                   std::string(kAuditPolicyPath), true, "File"});
  }
  if (const std::string dir = audit_log_dir(cluster); !dir.empty()) {
    add_volume(api.extra_volumes, {"audit-log", dir, dir, false, "DirectoryOrCreate"});
  }
  const std::string kubelet = profile_kubelet_yaml(profile);
  if (!kubelet.empty()) {
    try {
      YAML::Node merged = YAML::Load(kubelet);
      if (!cfg.kubelet_config_yaml.empty()) {
        YAML::Node user = YAML::Load(cfg.kubelet_config_yaml);
        if (user.IsMap()) yaml_merge_into(merged, user);
      }
      cfg.kubelet_config_yaml = YAML::Dump(merged) + "\n";
    } catch (const YAML::Exception& e) {
      return fail(ErrorKind::Validation,
                  std::string("invalid KubeletConfiguration document: ") + e.what());
    }
  }
  return {};
}

ProfileFiles profile_files(Profile p) {
  ProfileFiles f;
  if (p == Profile::Cis) {
    f.kubelet_config_mode = 0600;
    f.etcd_data_dir_owner = "etcd";
    f.restrict_kubelet_unit_files = true;
  }
  return f;
}

}  // namespace kadm::config
