#include "join/bootstrap_client.h"

#include <spdlog/spdlog.h>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "config/load.h"

namespace kadm::join {

std::string tls_bootstrap_token(const JoinData& d, const DiscoveredCluster& c) {
  return d.cfg.discovery.tls_bootstrap_token.empty() ? c.token
                                                     : d.cfg.discovery.tls_bootstrap_token;
}

Result<std::unique_ptr<apiclient::CurlClient>> bootstrap_client(const JoinData& d,
                                                                const DiscoveredCluster& c) {
  apiclient::Kubeconfig kc;
  kc.source = "the bootstrap token client";
  kc.server = c.server;
  kc.ca_pem = c.ca_pem;
  kc.client_cert_pem = c.client_cert_pem;
  kc.client_key_pem = c.client_key_pem;
  kc.token = tls_bootstrap_token(d, c);
  apiclient::CurlClientOptions o;
  o.retry.total_deadline = d.cfg.timeouts.kubernetes_api_call.count() > 0
                               ? d.cfg.timeouts.kubernetes_api_call
                               : Duration{60000};
  o.retry.initial_backoff = Duration{250};
  // Many nodes may join at once (a node pool scaling up): spread their retries out.
  o.retry.full_jitter = true;
  return apiclient::CurlClient::from_kubeconfig(kc, o);
}

Result<config::ClusterConfiguration> read_cluster_configuration(apiclient::Client& client) {
  spdlog::info(
      "[preflight] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace "
      "\"kube-system\"");
  auto cm = apiclient::get_configmap(client, apiclient::kKubeSystem, "kubeadm-config");
  if (!cm) {
    return fail(ErrorKind::Api,
                "cannot read the kubeadm-config ConfigMap with the bootstrap token: " +
                    cm.error().message());
  }
  std::string yaml = apiclient::text_member(apiclient::member(*cm, "data"), "ClusterConfiguration");
  auto loaded = KADM_TRY_CTX(config::load_config_text(yaml, "kubeadm-config"),
                             "the cluster's kubeadm-config ConfigMap");
  if (!loaded.init)
    return fail(ErrorKind::Validation, "kubeadm-config has no ClusterConfiguration");
  return loaded.init->cluster;
}

}  // namespace kadm::join
