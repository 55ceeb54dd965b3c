#include "init/kubelet_start.h"

#include <spdlog/spdlog.h>

#include "common/net.h"
#include "kubelet/kubelet_config.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::init {

Result<std::string> kubelet_config_for(InitData& d) {
  const auto& c = d.cfg.cluster;
  kubelet::KubeletConfigInputs in;
  in.cluster_dns = KADM_TRY(
      net::nth_ip(c.networking.service_subnet.substr(0, c.networking.service_subnet.find(',')),
                  net::kDnsIpIndex));
  in.cluster_domain = c.networking.dns_domain;
  in.client_ca_file = c.certificates_dir + "/ca.crt";
  in.static_pod_path = d.manifests_dir().string();
  in.cri_socket = d.cfg.node_registration.cri_socket;
  in.systemd_resolved = d.host->service_state("systemd-resolved").active;
  return kubelet::kubelet_config_yaml(in, d.version);
}

Status run_kubelet_start(InitData& d) {
  const auto& c = d.cfg.cluster;
  std::string config_yaml = KADM_TRY(kubelet_config_for(d));

  auto row = KADM_TRY(manifests::version_row(d.version));
  std::string env = kubelet::kubeadm_flags_env(d.cfg.node_registration, "",
                                               manifests::pause_image(c, row), true, d.version);

  auto env_path = d.options.kubelet_dir / "kubeadm-flags.env";
  auto config_path = d.options.kubelet_dir / "config.yaml";
  spdlog::info("[kubelet-start] Writing kubelet environment file with flags to file \"{}\"",
               env_path.string());
  KADM_TRY(d.effects->apply(plan::WriteFile{env_path, env, 0644, false}));
  spdlog::info("[kubelet-start] Writing kubelet configuration to file \"{}\"",
               config_path.string());
  KADM_TRY(d.effects->apply(plan::WriteFile{config_path, config_yaml, 0644, false}));

  auto kubelet = d.host->service_state("kubelet");
  if (!kubelet.exists) {
    // Hosts where something else runs the static Pods (kadm's test harness, or a kubelet
    // managed outside systemd) get the files and a clear note instead of a failure.
    spdlog::warn(
        "[kubelet-start] WARNING: no kubelet service on this host; start a kubelet that reads "
        "\"{}\" to run the control plane",
        d.manifests_dir().string());
    return {};
  }
  spdlog::info("[kubelet-start] Starting the kubelet");
  return d.effects->apply(
      plan::RunCommand{{"systemctl", "restart", "kubelet"}, "start the kubelet"});
}

}  // namespace kadm::init
