#include "kubelet/kubelet_service.h"

#include <spdlog/spdlog.h>

#include "common/constants.h"

namespace kadm::kubelet {

namespace {
constexpr std::string_view kUnit = "kubelet";
constexpr mode_t kKubeletDirMode = 0700;
}  // namespace

void stop_kubelet(const host::Host& host, plan::Effects& effects) {
  if (!host.service_exists(std::string(kUnit))) return;
  if (auto stopped = effects.apply(
          plan::RunCommand{{"systemctl", "stop", std::string(kUnit)}, "stop the kubelet"});
      !stopped) {
    spdlog::warn("[kubelet-start] could not stop the kubelet: {}", stopped.error().text());
  }
}

Status write_kubelet_files(const KubeletFiles& files, plan::Effects& effects) {
  // 0700 as kubeadm makes it; an existing one loses group and other bits (it holds the
  // kubelet's credentials and pod volumes).
  KADM_TRY(effects.apply(plan::MakeDir{files.dir, kKubeletDirMode, true}));
  auto env_path = files.dir / "kubeadm-flags.env";
  auto config_path = files.dir / "config.yaml";
  spdlog::info("[kubelet-start] Writing kubelet environment file with flags to file \"{}\"",
               env_path.string());
  KADM_TRY(effects.apply(plan::WriteFile{env_path, files.flags_env, 0644, false}));
  if (!files.instance_config.empty()) {
    auto instance_path = files.dir / "instance-config.yaml";
    spdlog::info("[kubelet-start] Writing this node's kubelet settings to file \"{}\"",
                 instance_path.string());
    KADM_TRY(effects.apply(plan::WriteFile{instance_path, files.instance_config, 0644, false}));
  }
  spdlog::info("[kubelet-start] Writing kubelet configuration to file \"{}\"",
               config_path.string());
  // A config.yaml left 0644 by an earlier run is replaced by a file with the new mode.
  return effects.apply(plan::WriteFile{config_path, files.config_yaml, files.config_mode, false});
}

const std::vector<std::string>& kubelet_unit_files() {
  static const std::vector<std::string> files = {
      "/etc/systemd/system/kubelet.service",
      "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
      "/usr/lib/systemd/system/kubelet.service",
      "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
      "/lib/systemd/system/kubelet.service",
      "/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
  };
  return files;
}

Status restrict_kubelet_unit_files(plan::Effects& effects) {
  std::string script = "for f in";
  for (const auto& f : kubelet_unit_files()) script += " " + f;
  script += "; do if [ -f \"$f\" ] && [ ! -L \"$f\" ]; then chmod go-rwx \"$f\"; fi; done";
  return effects.apply(plan::RunCommand{{"sh", "-c", script},
                                        "restrict the kubelet's unit files to 0600 (CIS 4.1.1)"});
}

Result<bool> start_kubelet(const host::Host& host, plan::Effects& effects,
                           std::string_view no_service_hint) {
  if (!host.service_exists(std::string(kUnit))) {
    spdlog::warn("[kubelet-start] WARNING: no kubelet service on this host; {}", no_service_hint);
    return false;
  }
  spdlog::info("[kubelet-start] Starting the kubelet");
  KADM_TRY(effects.apply(plan::RunCommand{{"systemctl", "restart", std::string(kUnit)},
                                          "start the kubelet",
                                          {"systemctl", "stop", std::string(kUnit)},
                                          std::filesystem::path(constants::kKubeletDir)}));
  return true;
}

Result<bool> start_no_kubelet(const host::Host& host, plan::Effects& effects,
                              std::string_view no_service_hint) {
  KADM_TRY(start_kubelet(host, effects, no_service_hint));
  return false;
}

}  // namespace kadm::kubelet
