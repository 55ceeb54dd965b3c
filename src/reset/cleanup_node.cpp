#include "reset/cleanup_node.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/constants.h"
#include "common/strings.h"
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
  spdlog::info("[reset] Deleting files: [{}]", str::join(files, " "));
  for (const auto& path : files) apply_or_warn(effects, plan::RemoveFile{host.real_path(path)});
  return {};
}

}  // namespace kadm::reset
