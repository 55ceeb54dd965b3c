#include "init/kubelet_start.h"

#include <spdlog/spdlog.h>

#include "config/profile.h"
#include "kubelet/kubelet_config.h"
#include "kubelet/kubelet_service.h"
#include "manifests/images.h"
#include "manifests/version_table.h"
#include "manifests/write.h"

namespace kadm::init {

Result<std::string> kubelet_config_for(InitData& d) {
  kubelet::KubeletConfigInputs in = KADM_TRY(kubelet::init_kubelet_inputs(d.cfg));
  in.static_pod_path = d.manifests_dir().string();
  if (!d.systemd_resolved) d.systemd_resolved = d.host->service_active("systemd-resolved");
  in.systemd_resolved = *d.systemd_resolved;
  return kubelet::kubelet_config_yaml(in, d.version);
}

Status run_kubelet_start(InitData& d) {
  const auto& c = d.cfg.cluster;
  // This node's patches go into its config.yaml only (upload-config stores the unpatched one).
  std::string config_yaml =
      KADM_TRY(kubelet::patched_kubelet_config(KADM_TRY(kubelet_config_for(d)), d.patch_set()));

  auto row = KADM_TRY(manifests::version_row(d.version));
  std::string env =
      kubelet::kubeadm_flags_env(d.cfg.node_registration, "", manifests::pause_image(c, row), true,
                                 d.version, d.host->hostname().value_or(""));
  std::string instance;
  if (kubelet::has_instance_config(d.version)) {
    instance = kubelet::instance_config_yaml(d.cfg.node_registration.cri_socket);
  }

  kubelet::stop_kubelet(*d.host, *d.effects);
  const auto profile = config::profile_files(d.profile);
  KADM_TRY(kubelet::write_kubelet_files(
      {d.options.kubelet_dir, env, config_yaml, instance, profile.kubelet_config_mode},
      *d.effects));
  if (profile.restrict_kubelet_unit_files) {
    KADM_TRY(kubelet::restrict_kubelet_unit_files(*d.effects));
  }
  // It may start before the first manifest is written: watched from its start, a manifest is
  // seen at once (a missing directory is looked for again only every second).
  KADM_TRY(manifests::make_manifests_dir(d.manifests_dir(), *d.effects));
  KADM_TRY(d.connect.start_kubelet(*d.host, *d.effects,
                                   "start a kubelet that reads \"" + d.manifests_dir().string() +
                                       "\" to run the control plane"));
  return {};
}

}  // namespace kadm::init
