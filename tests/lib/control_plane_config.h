#pragma once
// A control plane's InitConfiguration as the manifest and profile tests build on: v1.37.2, node
// cp-1 at 192.168.0.10:6443, local etcd in /var/lib/etcd, certificates in `cert_dir`.

#include <string>

#include "config/types.h"

namespace kadm::test {

inline config::InitConfiguration control_plane_config(
    const std::string& cert_dir = "/etc/kubernetes/pki") {
  config::InitConfiguration cfg;
  cfg.local_api_endpoint = {"192.168.0.10", 6443};
  cfg.node_registration.name = "cp-1";
  auto& c = cfg.cluster;
  c.kubernetes_version = "v1.37.2";
  c.image_repository = "mirror.example.test/k8s";
  c.certificates_dir = cert_dir;
  c.cluster_name = "kubernetes";
  c.networking = {"10.96.0.0/12", "", "cluster.local"};
  c.etcd.local = config::LocalEtcd{};
  c.etcd.local->data_dir = "/var/lib/etcd";
  return cfg;
}

}  // namespace kadm::test
