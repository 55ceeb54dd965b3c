#include "reset/cleanup_node.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "common/constants.h"
#include "common/strings.h"
#include "config/profile.h"
#include "manifests/etcd_identity.h"
#include "reset/mounts.h"
#include "reset/pod_sandboxes.h"

namespace kadm::reset {

namespace {

namespace stdfs = std::filesystem;

enum class PathKind { Missing, Directory, Symlink, Other };

PathKind kind_of(const host::Host& host, const std::string& path) {
  std::error_code ec;
  auto st = stdfs::symlink_status(host.real_path(path), ec);
  if (ec || st.type() == stdfs::file_type::not_found) return PathKind::Missing;
  if (st.type() == stdfs::file_type::symlink) return PathKind::Symlink;
  if (st.type() == stdfs::file_type::directory) return PathKind::Directory;
  return PathKind::Other;
}

// A best-effort step: a failure is reported and reset goes on.
bool apply_or_warn(plan::Effects& effects, const plan::Action& action) {
  if (auto s = effects.apply(action); !s) {
    spdlog::warn("[reset] Failed to {}: {}", plan::describe(action), s.error().text());
    return false;
  }
  return true;
}

void stop_kubelet(const host::Host& host, plan::Effects& effects) {
  auto state = host.service_state("kubelet");
  if (!state.init_system_known || !state.exists) {
    spdlog::info("[reset] No kubelet service found; nothing to stop");
    return;
  }
  spdlog::info("[reset] Stopping the kubelet service");
  apply_or_warn(effects, plan::RunCommand{{"systemctl", "stop", "kubelet"}, "stop the kubelet"});
}

// False when something stayed mounted: the kubelet dir must then not be emptied, or the removal
// would reach into the mounted file system.
bool unmount_below(const host::Host& host, const std::string& dir,
                   const std::vector<std::string>& umount_opts, plan::Effects& effects) {
  spdlog::info("[reset] Unmounting mounted directories in \"{}\"", dir);
  auto mountinfo = host.read_file("/proc/self/mountinfo");
  if (!mountinfo) {
    spdlog::warn("[reset] Cannot read the mount table: {}", mountinfo.error().text());
    return false;
  }
  bool all_unmounted = true;
  for (const auto& mount_point : mounts_below(*mountinfo, dir)) {
    std::vector<std::string> argv = {"umount"};
    argv.insert(argv.end(), umount_opts.begin(), umount_opts.end());
    argv.push_back(mount_point);
    all_unmounted &= apply_or_warn(effects, plan::RunCommand{argv, "unmount " + mount_point});
  }
  return all_unmounted;
}

// The CIS profile's audit policy is kadm's file, so it goes; a policy with other contents is the
// user's and stays.
std::optional<std::string> kadms_audit_policy(const host::Host& host, const ResetPaths& paths) {
  auto path = (paths.kubernetes_dir / stdfs::path(config::kAuditPolicyPath).filename()).string();
  if (kind_of(host, path) != PathKind::Other) return std::nullopt;
  auto content = host.read_file(path);
  if (content && *content == config::audit_policy_yaml()) return path;
  spdlog::warn("[reset] {} is not the audit policy kadm writes; left as is", path);
  return std::nullopt;
}

// An audit log is a record of what was done to the cluster, which a reset must not destroy.
void note_kept_audit_log(const host::Host& host) {
  auto dir = stdfs::path(config::kAuditLogPath).parent_path().string();
  if (kind_of(host, dir) != PathKind::Directory || host.list_dir(dir).empty()) return;
  spdlog::info(
      "[reset] The API server's audit log in {} is kept; delete it when it is no longer "
      "needed",
      dir);
}

}  // namespace

Result<bool> empty_well_known_dir(const host::Host& host, const std::string& dir,
                                  plan::Effects& effects) {
  switch (kind_of(host, dir)) {
    case PathKind::Missing:
      return true;
    case PathKind::Symlink:
      spdlog::warn("[reset] {} is a symbolic link; not following it, its target is left as is",
                   dir);
      return false;
    case PathKind::Other:
      spdlog::warn("[reset] {} is not a directory; left as is", dir);
      return false;
    case PathKind::Directory:
      break;
  }
  auto entries = host.list_dir(dir);
  if (!entries.empty()) spdlog::info("[reset]   {}: {}", dir, str::join(entries, " "));
  KADM_TRY(effects.apply(plan::RemoveContents{host.real_path(dir)}));
  return true;
}

Status cleanup_node(const host::Host& host, const ResetPaths& paths, const CleanupOptions& options,
                    plan::Effects& effects) {
  auto umount_opts = KADM_TRY(umount_options(options.unmount_flags));
  stop_kubelet(host, effects);
  const std::string kubelet_dir = paths.kubelet_dir.string();
  bool kubelet_dir_free = unmount_below(host, kubelet_dir, umount_opts, effects);
  // The kubelet is stopped, so nothing recreates the pods: empty the runtime before the kubelet
  // dir (its instance-config.yaml / kubeadm-flags.env name the runtime's socket) goes.
  auto cri = node_cri_endpoint(host, paths.kubelet_dir, options.cri_socket);
  spdlog::info("[reset] Using the container runtime at {} ({})", cri.endpoint, cri.source);
  SandboxRemovalOptions removal = options.sandbox_removal;
  removal.dry_run = effects.dry_run();
  remove_pod_sandboxes(options.runtime, cri.endpoint, removal);

  std::vector<std::string> dirs = {paths.manifests_dir().string()};
  if (kubelet_dir_free) {
    dirs.push_back(kubelet_dir);
  } else {
    spdlog::warn("[reset] Something is still mounted below {}; its contents are left as they are",
                 kubelet_dir);
  }
  dirs.push_back(paths.cert_dir.string());
  if (paths.cert_dir != stdfs::path(constants::kDefaultCertificatesDir)) {
    spdlog::warn("[reset] The certificates dir {} is not the default {}; deleting its contents",
                 paths.cert_dir.string(), constants::kDefaultCertificatesDir);
  }
  // The cis profile's etcd reads copies of its certificates there (manifests/etcd_identity.h).
  if (const std::string etcd_tls(manifests::kEtcdTlsDir); host.exists(etcd_tls)) {
    dirs.push_back(etcd_tls);
  }
  if (options.cleanup_tmp_dir) dirs.push_back(paths.tmp_dir().string());
  spdlog::info("[reset] Deleting contents of directories: [{}]", str::join(dirs, " "));
  for (const auto& dir : dirs) {
    if (auto r = empty_well_known_dir(host, dir, effects); !r) {
      spdlog::warn("[reset] Failed to delete the contents of {}: {}", dir, r.error().text());
    }
  }

  std::vector<std::string> files;
  for (const auto& name : kubeconfig_file_names()) {
    auto path = (paths.kubernetes_dir / name).string();
    // A link is removed as a link (unlink never follows it); a directory is not kadm's file.
    auto kind = kind_of(host, path);
    if (kind == PathKind::Missing) continue;
    if (kind == PathKind::Directory) {
      spdlog::warn("[reset] {} is a directory, not a kubeconfig file; left as is", path);
      continue;
    }
    files.push_back(path);
  }
  if (auto policy = kadms_audit_policy(host, paths)) files.push_back(*policy);
  spdlog::info("[reset] Deleting files: [{}]", str::join(files, " "));
  for (const auto& path : files) apply_or_warn(effects, plan::RemoveFile{host.real_path(path)});
  note_kept_audit_log(host);
  return {};
}

}  // namespace kadm::reset
