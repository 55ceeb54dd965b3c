#include "manifests/images.h"

#include <algorithm>

#include "config/defaults.h"

namespace kadm::manifests {

std::string image_repository(const config::ClusterConfiguration& cluster) {
  return cluster.image_repository.empty() ? std::string(config::default_image_repository())
                                          : cluster.image_repository;
}

namespace {

std::string image_tag_for_version(std::string version) {
  if (!version.starts_with('v')) version.insert(0, "v");
  std::replace(version.begin(), version.end(), '+', '_');
  return version;
}

}  // namespace

std::string kubernetes_image(const config::ClusterConfiguration& cluster,
                             std::string_view component) {
  return image_repository(cluster) + "/" + std::string(component) + ":" +
         image_tag_for_version(cluster.kubernetes_version);
}

std::string etcd_image(const config::ClusterConfiguration& cluster, const VersionRow& row) {
  std::string repo = image_repository(cluster);
  std::string tag(row.etcd_tag);
  if (cluster.etcd.local) {
    if (!cluster.etcd.local->image_repository.empty()) repo = cluster.etcd.local->image_repository;
    if (!cluster.etcd.local->image_tag.empty()) tag = cluster.etcd.local->image_tag;
  }
  return repo + "/etcd:" + tag;
}

std::string coredns_image(const config::ClusterConfiguration& cluster, const VersionRow& row) {
  std::string repo = cluster.dns.image_repository.empty() ? image_repository(cluster)
                                                          : cluster.dns.image_repository;
  // Only the default registry keeps CoreDNS one level down; mirrors are flat.
  if (row.coredns_nested_under_default_repo && repo == config::default_image_repository()) {
    repo += "/coredns";
  }
  const std::string tag =
      cluster.dns.image_tag.empty() ? std::string(row.coredns_tag) : cluster.dns.image_tag;
  return repo + "/coredns:" + tag;
}

std::string pause_image(const config::ClusterConfiguration& cluster, const VersionRow& row) {
  return image_repository(cluster) + "/pause:" + std::string(row.pause_tag);
}

Result<std::vector<std::string>> images(const config::InitConfiguration& cfg) {
  const auto& cluster = cfg.cluster;
  const VersionRow row = KADM_TRY(version_row(cluster.kubernetes_version));
  std::vector<std::string> out;
  for (std::string_view c : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
    out.push_back(kubernetes_image(cluster, c));
  }
  if (!cluster.proxy.disabled) out.push_back(kubernetes_image(cluster, "kube-proxy"));
  const bool local_etcd = !cluster.etcd.external.has_value();
  if (row.image_order == ImageOrder::PauseEtcdCoreDNS) {
    out.push_back(pause_image(cluster, row));
    if (local_etcd) out.push_back(etcd_image(cluster, row));
    if (!cluster.dns.disabled) out.push_back(coredns_image(cluster, row));
  } else {
    if (!cluster.dns.disabled) out.push_back(coredns_image(cluster, row));
    out.push_back(pause_image(cluster, row));
    if (local_etcd) out.push_back(etcd_image(cluster, row));
  }
  return out;
}

std::vector<std::string> controller_images(const config::ClusterConfiguration& cluster) {
  return {kubernetes_image(cluster, "kube-controller-manager"),
          kubernetes_image(cluster, "kube-scheduler")};
}

std::vector<std::string> addon_images(const config::ClusterConfiguration& cluster,
                                      const config::KubeVersion& version) {
  std::vector<std::string> out;
  if (!cluster.proxy.disabled) out.push_back(kubernetes_image(cluster, "kube-proxy"));
  auto row = version_row(version);
  if (!cluster.dns.disabled && row) out.push_back(coredns_image(cluster, *row));
  return out;
}

}  // namespace kadm::manifests
