#pragma once
// kadm's profiles: `--profile cis` (or `profile: cis` in a kadm.io/v1alpha1 KadmConfiguration
// document) hardens the node for the CIS Kubernetes Benchmark 1.12. A profile is data: flags
// added to the control-plane components' extraArgs, volumes, a KubeletConfiguration fragment and
// a few file facts. It is applied to the configuration before the usual builders run, as
// defaults under the user's own values: an extraArg or KubeletConfiguration field the user set
// wins. kubeadm's kinds keep their schema; the ClusterConfiguration uploaded to kubeadm-config
// carries the added extraArgs, so control planes that join later build the same manifests.

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/types.h"

namespace kadm::config {

// kadm's own extension: a set of settings applied over kubeadm's defaults; user values win.
enum class Profile { Default, Cis };

inline constexpr std::string_view kKadmApiVersion = "kadm.io/v1alpha1";
inline constexpr std::string_view kKadmConfigurationKind = "KadmConfiguration";

// "default" or "" → Default, "cis" → Cis; anything else is a Validation error naming the choices.
Result<Profile> parse_profile(std::string_view name);
std::string_view profile_name(Profile p);

enum class Component { ApiServer, ControllerManager, Scheduler };

// One flag a profile adds; "{pki}" in the value is the certificates directory.
struct ProfileArg {
  Component component;
  std::string_view name;
  std::string_view value;
  std::string_view why;  // the CIS recommendation it satisfies
};
const std::vector<ProfileArg>& profile_args(Profile p);

// The audit policy and log the cis profile gives kube-apiserver.
inline constexpr std::string_view kAuditPolicyPath = "/etc/kubernetes/audit-policy.yaml";
inline constexpr std::string_view kAuditLogPath = "/var/log/kubernetes/audit/audit.log";
// Metadata level for every request (never bodies: no secret reaches the log), nothing for the
// health endpoints and kube-proxy's watches.
std::string audit_policy_yaml();

// The KubeletConfiguration fields a profile sets (YAML; "" for none).
std::string profile_kubelet_yaml(Profile p);

// Applies the profile to an init configuration: adds its flags to the components' extraArgs
// (unless the user gave that flag), the audit volumes, and merges its KubeletConfiguration
// fields under the user's document. Idempotent.
Status apply_profile(InitConfiguration& cfg, Profile profile);

// The host path of the audit log directory the apiserver writes to (from the effective
// --audit-log-path); "" when no audit log is configured.
std::string audit_log_dir(const ClusterConfiguration& cluster);
// Whether the apiserver reads kadm's audit policy file (the control-plane phase then writes it).
bool uses_kadm_audit_policy(const ClusterConfiguration& cluster);

// Facts of a profile that are not configuration: file modes and owners.
struct ProfileFiles {
  mode_t kubelet_config_mode = 0644;         // /var/lib/kubelet/config.yaml
  std::string etcd_data_dir_owner;           // "" = leave root's; "etcd" = chown to etcd:etcd
  bool restrict_kubelet_unit_files = false;  // chmod 0600 the kubelet unit and drop-ins
};
ProfileFiles profile_files(Profile p);

}  // namespace kadm::config
