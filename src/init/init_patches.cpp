#include "init/init_patches.h"

#include "init/api_phases.h"
#include "init/kubelet_start.h"
#include "kubelet/kubelet_config.h"
#include "manifests/write.h"

namespace kadm::init {

Status load_init_patches(InitData& d) {
  d.patches = KADM_TRY(patches::load_if_given(d.cfg.patches_directory));
  if (!d.patches) return {};
  const auto& set = *d.patches;
  KADM_TRY(manifests::check_static_pod_patches(d.cfg, set, *d.host));
  if (set.has(patches::kKubeletConfiguration)) {
    KADM_TRY(kubelet::patched_kubelet_config(KADM_TRY(kubelet_config_for(d)), &set, true));
  }
  if (set.has(patches::kCoreDnsDeployment)) KADM_TRY(coredns_addon_objects(d, true));
  if (set.has(patches::kKubeProxyDaemonSet)) KADM_TRY(kube_proxy_addon_objects(d, true));
  return {};
}

}  // namespace kadm::init
