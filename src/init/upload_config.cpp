#include <spdlog/spdlog.h>

#include "clusterobjects/upload_config.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/kubelet_start.h"

namespace kadm::init {

Status run_upload_config_kubeadm(InitData& d) {
  auto* client = KADM_TRY(api_client(d));
  spdlog::info(
      "[upload-config] Storing the configuration used in ConfigMap \"{}\" in the \"kube-system\" "
      "Namespace",
      clusterobjects::kKubeadmConfigMap);
  std::vector<apiclient::json> objects = {clusterobjects::kubeadm_config_configmap(d.cfg.cluster)};
  for (auto& o : clusterobjects::kubeadm_config_rbac()) objects.push_back(std::move(o));
  return apply_objects(*client, objects);
}

Status run_upload_config_kubelet(InitData& d) {
  auto* client = KADM_TRY(api_client(d));
  auto rules = clusterobjects::object_rules(d.version);
  std::string name = clusterobjects::kubelet_config_map_name(rules, d.version);
  std::string yaml = KADM_TRY(kubelet_config_for(d));
  spdlog::info(
      "[kubelet] Creating a ConfigMap \"{}\" in namespace kube-system with the configuration for "
      "the kubelets in the cluster",
      name);
  std::vector<apiclient::json> objects = {clusterobjects::kubelet_config_configmap(name, yaml)};
  for (auto& o : clusterobjects::kubelet_config_rbac(name)) objects.push_back(std::move(o));
  return apply_objects(*client, objects);
}

}  // namespace kadm::init
