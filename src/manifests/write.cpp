#include "manifests/write.h"

#include <spdlog/spdlog.h>

#include <array>

#include "common/yaml_emit.h"
#include "config/defaults.h"
#include "config/profile.h"
#include "manifests/etcd_identity.h"

namespace kadm::manifests {
namespace {

constexpr mode_t kManifestsDirMode = 0700;
constexpr mode_t kManifestMode = 0600;     // CIS benchmark 1.1.x
constexpr mode_t kEtcdDataDirMode = 0700;  // CIS benchmark 1.1.11

using PodFn = Result<Pod> (*)(const config::InitConfiguration&, const host::Host&);

struct Component {
  std::string_view name;
  PodFn build;
};

constexpr std::array kControlPlane = {
    Component{"kube-apiserver", &apiserver_pod},
    Component{"kube-controller-manager", &controller_manager_pod},
    Component{"kube-scheduler", &scheduler_pod},
};

Status write_manifest(const std::string& name, const std::string& text,
                      const std::filesystem::path& dir, plan::Effects& effects) {
  const auto path = dir / (name + ".yaml");
  auto written = effects.apply(plan::WriteFile{path, text, kManifestMode, false});
  if (!written) return fail_with(written, "failed to write static Pod manifest " + path.string());
  return {};
}

}  // namespace

Result<nlohmann::json> patched_pod(const Pod& pod, const patches::PatchSet* patches, bool quiet) {
  if (patches == nullptr || !patches->has(pod.name)) return to_json(pod);
  return patches->apply(pod.name, to_json(pod), quiet);
}

Result<std::string> manifest_yaml(const Pod& pod, const patches::PatchSet* patches) {
  if (patches == nullptr || !patches->has(pod.name)) return to_yaml(pod);
  return yaml::emit(KADM_TRY(patched_pod(pod, patches)));
}

Status make_manifests_dir(const std::filesystem::path& manifests_dir, plan::Effects& effects) {
  return effects.apply(plan::MakeDir{manifests_dir, kManifestsDirMode});
}

Status write_control_plane_manifests(const config::InitConfiguration& cfg,
                                     const std::filesystem::path& manifests_dir,
                                     std::string_view component, plan::Effects& effects,
                                     const patches::PatchSet* patches, const host::Host& host) {
  bool known = component.empty();
  for (const auto& c : kControlPlane) known = known || c.name == component;
  if (!known) {
    return fail(ErrorKind::Validation,
                "unknown control-plane component \"" + std::string(component) +
                    "\": use kube-apiserver, kube-controller-manager or kube-scheduler");
  }
  // A single component is written by a sub-phase whose parent already printed the folder.
  if (component.empty()) {
    spdlog::info("[control-plane] Using manifest folder \"{}\"", manifests_dir.string());
  }
  // Plan every manifest (a patch may fail) before writing the first.
  std::vector<std::pair<std::string, std::string>> planned;
  for (const auto& c : kControlPlane) {
    if (!component.empty() && c.name != component) continue;
    spdlog::info("[control-plane] Creating static Pod manifest for \"{}\"", c.name);
    const Pod pod = KADM_TRY(c.build(cfg, host));
    planned.emplace_back(pod.name, KADM_TRY(manifest_yaml(pod, patches)));
  }
  if (component.empty() || component == "kube-apiserver") {
    KADM_TRY(write_audit_files(cfg.cluster, effects));
  }
  KADM_TRY(make_manifests_dir(manifests_dir, effects));
  for (const auto& [name, text] : planned) {
    KADM_TRY(write_manifest(name, text, manifests_dir, effects));
  }
  return {};
}

Status ensure_etcd_data_dir(const config::ClusterConfiguration& cluster, plan::Effects& effects,
                            config::Profile profile) {
  if (!cluster.etcd.local) return {};
  const std::string dir = config::etcd_data_dir_or_default(cluster);
  auto made = effects.apply(plan::MakeDir{dir, kEtcdDataDirMode, true});
  if (!made) return fail_with(made, "failed to create the etcd data directory " + dir);
  if (const std::string owner = config::profile_files(profile).etcd_data_dir_owner;
      !owner.empty()) {
    // A system user without a home or shell, as the benchmark's remediation expects.
    KADM_TRY_CTX(effects.apply(plan::RunCommand{
                     {"sh", "-c",
                      "getent passwd " + owner +
                          " >/dev/null || useradd --system --user-group "
                          "--no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin " +
                          owner},
                     "make the system user " + owner + " that owns the etcd data directory"}),
                 "failed to make the system user " + owner);
    KADM_TRY_CTX(effects.apply(plan::RunCommand{{"chown", "-R", owner + ":" + owner, dir},
                                                "give the etcd data directory to " + owner}),
                 "failed to give " + dir + " to " + owner);
  }
  return {};
}

Status write_audit_files(const config::ClusterConfiguration& cluster, plan::Effects& effects) {
  if (config::uses_kadm_audit_policy(cluster)) {
    KADM_TRY(effects.apply(plan::WriteFile{std::string(config::kAuditPolicyPath),
                                           config::audit_policy_yaml(), 0600, false}));
  }
  if (const std::string dir = config::audit_log_dir(cluster); !dir.empty()) {
    KADM_TRY(effects.apply(plan::MakeDir{dir, 0700, true}));
  }
  return {};
}

Status write_local_etcd_manifest(const config::InitConfiguration& cfg,
                                 const std::filesystem::path& manifests_dir, plan::Effects& effects,
                                 const patches::PatchSet* patches, const host::Host& host,
                                 config::Profile profile) {
  // Built and patched once before anything is written, so a bad config or patch writes nothing.
  KADM_TRY(patched_pod(KADM_TRY(etcd_pod(cfg, {}, host)), patches, true));
  KADM_TRY(ensure_etcd_data_dir(cfg.cluster, effects, profile));
  const auto run_as = etcd_run_as(cfg.cluster, profile, host);
  if (run_as) KADM_TRY(write_etcd_tls(cfg.cluster, *run_as, effects, host));
  const Pod pod = KADM_TRY(etcd_pod(cfg, {}, host, run_as));
  const std::string text = KADM_TRY(manifest_yaml(pod, patches));
  KADM_TRY(make_manifests_dir(manifests_dir, effects));
  KADM_TRY(write_manifest(pod.name, text, manifests_dir, effects));
  spdlog::info("[etcd] Creating static Pod manifest for local etcd in \"{}\"",
               manifests_dir.string());
  return {};
}

Status check_static_pod_patches(const config::InitConfiguration& cfg,
                                const patches::PatchSet& patches, const host::Host& host) {
  std::vector<Pod> pods;
  if (cfg.cluster.etcd.local) pods.push_back(KADM_TRY(etcd_pod(cfg, {}, host)));
  for (const auto& c : kControlPlane) pods.push_back(KADM_TRY(c.build(cfg, host)));
  for (const auto& pod : pods) KADM_TRY(patched_pod(pod, &patches, true));
  return {};
}

}  // namespace kadm::manifests
