#include <spdlog/spdlog.h>

#include "clusterobjects/addons.h"
#include "common/net.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/image_waits.h"
#include "kubeconfig/phase.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::init {

namespace {

std::string first_of(const std::string& list) { return list.substr(0, list.find(',')); }

// Applies the patches of `target` to the objects of `kind` among `objects` (the Deployment of
// CoreDNS, the DaemonSet of kube-proxy); the other objects are not patchable, as in kubeadm.
Status patch_objects(std::vector<nlohmann::json>& objects, std::string_view kind,
                     std::string_view target, const patches::PatchSet* patches, bool quiet) {
  if (patches == nullptr || !patches->has(target)) return {};
  for (auto& o : objects) {
    if (o.value("kind", "") == kind) o = KADM_TRY(patches->apply(target, std::move(o), quiet));
  }
  return {};
}

}  // namespace

Result<std::vector<nlohmann::json>> coredns_addon_objects(const InitData& d, bool quiet) {
  const auto& c = d.cfg.cluster;
  auto row = KADM_TRY(manifests::version_row(d.version));
  clusterobjects::CoreDnsInputs in;
  in.image = manifests::coredns_image(c, row);
  in.dns_ip = KADM_TRY(net::nth_ip(first_of(c.networking.service_subnet), net::kDnsIpIndex));
  in.dns_domain = c.networking.dns_domain;
  in.rules = clusterobjects::object_rules(d.version);
  auto objects = clusterobjects::coredns_objects(in);
  KADM_TRY(patch_objects(objects, "Deployment", patches::kCoreDnsDeployment, d.patch_set(), quiet));
  return objects;
}

Result<std::vector<nlohmann::json>> kube_proxy_addon_objects(const InitData& d, bool quiet) {
  const auto& c = d.cfg.cluster;
  clusterobjects::KubeProxyInputs in;
  in.image = manifests::kubernetes_image(c, "kube-proxy");
  in.pod_subnet = c.networking.pod_subnet;
  in.control_plane_url = KADM_TRY(kubeconfig::control_plane_url(d.cfg));
  auto ip = net::parse_ip(d.cfg.local_api_endpoint.advertise_address);
  in.ipv6 = ip && ip->v6;
  in.user_yaml = d.cfg.kube_proxy_config_yaml;
  auto objects = clusterobjects::kube_proxy_objects(in);
  KADM_TRY(patch_objects(objects, "DaemonSet", patches::kKubeProxyDaemonSet, d.patch_set(), quiet));
  return objects;
}

Status run_addon_coredns(InitData& d) {
  KADM_TRY(preflight::await_images(d, LaterImages::Addons));
  if (d.cfg.cluster.dns.disabled) {
    spdlog::info("[addons] CoreDNS is disabled in the configuration (dns.disabled); skipping it");
    return {};
  }
  auto objects = KADM_TRY(coredns_addon_objects(d, false));
  auto* client = KADM_TRY(api_client(d));
  KADM_TRY(apply_objects(*client, objects));
  spdlog::info("[addons] Applied essential addon: CoreDNS");
  return {};
}

Status run_addon_kube_proxy(InitData& d) {
  KADM_TRY(preflight::await_images(d, LaterImages::Addons));
  if (d.cfg.cluster.proxy.disabled) {
    spdlog::info(
        "[addons] kube-proxy is disabled in the configuration (proxy.disabled); skipping it");
    return {};
  }
  auto objects = KADM_TRY(kube_proxy_addon_objects(d, false));
  auto* client = KADM_TRY(api_client(d));
  KADM_TRY(apply_objects(*client, objects));
  spdlog::info("[addons] Applied essential addon: kube-proxy");
  return {};
}

}  // namespace kadm::init
