#include <spdlog/spdlog.h>

#include "clusterobjects/addons.h"
#include "common/net.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "kubeconfig/phase.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::init {

namespace {

std::string first_of(const std::string& list) { return list.substr(0, list.find(',')); }

}  // namespace

Status run_addon_coredns(InitData& d) {
  const auto& c = d.cfg.cluster;
  if (c.dns.disabled) {
    spdlog::info("[addons] CoreDNS is disabled in the configuration (dns.disabled); skipping it");
    return {};
  }
  auto* client = KADM_TRY(api_client(d));
  auto row = KADM_TRY(manifests::version_row(d.version));
  clusterobjects::CoreDnsInputs in;
  in.image = manifests::coredns_image(c, row);
  in.dns_ip = KADM_TRY(net::nth_ip(first_of(c.networking.service_subnet), net::kDnsIpIndex));
  in.dns_domain = c.networking.dns_domain;
  in.rules = clusterobjects::object_rules(d.version);
  KADM_TRY(apply_objects(*client, clusterobjects::coredns_objects(in)));
  spdlog::info("[addons] Applied essential addon: CoreDNS");
  return {};
}

Status run_addon_kube_proxy(InitData& d) {
  const auto& c = d.cfg.cluster;
  if (c.proxy.disabled) {
    spdlog::info(
        "[addons] kube-proxy is disabled in the configuration (proxy.disabled); skipping it");
    return {};
  }
  auto* client = KADM_TRY(api_client(d));
  clusterobjects::KubeProxyInputs in;
  in.image = manifests::kubernetes_image(c, "kube-proxy");
  in.pod_subnet = c.networking.pod_subnet;
  in.control_plane_url = KADM_TRY(kubeconfig::control_plane_url(d.cfg));
  auto ip = net::parse_ip(d.cfg.local_api_endpoint.advertise_address);
  in.ipv6 = ip && ip->v6;
  in.user_yaml = d.cfg.kube_proxy_config_yaml;
  KADM_TRY(apply_objects(*client, clusterobjects::kube_proxy_objects(in)));
  spdlog::info("[addons] Applied essential addon: kube-proxy");
  return {};
}

}  // namespace kadm::init
