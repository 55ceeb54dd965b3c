#pragma once
// What upgrade reads from a running cluster (spec-upgrade §1.1, §2.1): the versions its
// components run, the ClusterConfiguration that init (or the last upgrade) stored, and the
// component configs of the kubelets and kube-proxy.

#include <string>
#include <string_view>

#include "apiclient/client.h"
#include "common/error.h"
#include "config/types.h"
#include "upgrade/plan.h"

namespace kadm::upgrade {

// /version, the control-plane Pods (component=<name>,tier=control-plane), the Nodes' kubelet
// versions, the CoreDNS Deployment's image and the component configs' apiVersions.
Result<ClusterState> read_cluster_state(apiclient::Client& client);

// The ClusterConfiguration in kube-system/kubeadm-config; `prefix` is the log tag
// ("upgrade/config", "upgrade", "upgrade/diff"; "" reads it without saying so, for a second read).
Result<config::ClusterConfiguration> read_cluster_configuration(apiclient::Client& client,
                                                                std::string_view prefix);

// The stored KubeletConfiguration and KubeProxyConfiguration ("" when the ConfigMap is absent).
struct ComponentConfigs {
  std::string kubelet_yaml;
  std::string kube_proxy_yaml;
};
Result<ComponentConfigs> read_component_configs(apiclient::Client& client,
                                                const config::KubeVersion& cluster);

// The apiVersion line of a YAML document ("" if it has none).
std::string yaml_api_version(std::string_view yaml);

}  // namespace kadm::upgrade
