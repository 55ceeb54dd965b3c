#pragma once
// The essential addons of init phase addon (spec §6.6): CoreDNS and kube-proxy, every object as
// JSON from plain inputs.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clusterobjects/object_rules.h"

namespace kadm::clusterobjects {

using json = nlohmann::json;

struct CoreDnsInputs {
  std::string image;       // "<repo>/coredns/coredns:<tag>"
  std::string dns_ip;      // the kube-dns Service clusterIP (10th IP of the service CIDR)
  std::string dns_domain;  // "cluster.local"
  ObjectRules rules;
};
std::string corefile(const std::string& dns_domain, const ObjectRules& rules);
// ServiceAccount, ClusterRole, ClusterRoleBinding, ConfigMap, Deployment, Service, in that order.
std::vector<json> coredns_objects(const CoreDnsInputs& in);

struct KubeProxyInputs {
  std::string image;              // "<repo>/kube-proxy:<version>"
  std::string pod_subnet;         // clusterCIDR ("" leaves it out)
  std::string control_plane_url;  // "https://<endpoint>:<port>"
  bool ipv6 = false;              // bindAddress "::" instead of 0.0.0.0
  // The user's KubeProxyConfiguration document (may be empty), merged over kadm's defaults.
  std::string user_yaml;
};
std::string kube_proxy_config_yaml(const KubeProxyInputs& in);
std::string kube_proxy_kubeconfig(const std::string& control_plane_url);
// ServiceAccount, ClusterRoleBinding, Role, RoleBinding, ConfigMap, DaemonSet.
std::vector<json> kube_proxy_objects(const KubeProxyInputs& in);

}  // namespace kadm::clusterobjects
