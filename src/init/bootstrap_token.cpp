#include <spdlog/spdlog.h>

#include <chrono>
#include <ostream>

#include "apiclient/objects.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/object_rules.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/cluster_endpoint.h"
#include "token/bootstrap_token.h"
#include "token/join_command.h"

namespace kadm::init {

Status ensure_bootstrap_tokens(InitData& d) {
  for (auto& t : d.cfg.bootstrap_tokens) {
    if (t.token.empty()) t.token = KADM_TRY(token::generate_token()).to_string();
  }
  if (!d.cfg.bootstrap_tokens.empty() && d.cfg.bootstrap_tokens.front().description.empty()) {
    d.cfg.bootstrap_tokens.front().description = std::string(clusterobjects::kInitTokenDescription);
  }
  return {};
}

Status run_bootstrap_token(InitData& d) {
  auto* client = KADM_TRY(api_client(d));
  KADM_TRY(ensure_bootstrap_tokens(d));
  if (!d.cfg.bootstrap_tokens.empty()) {
    // The token goes to the human output stream only, never through the logger.
    *d.out << "[bootstrap-token] Using token: "
           << (d.options.skip_token_print ? std::string(token::kValueWithheld)
                                          : d.cfg.bootstrap_tokens.front().token)
           << "\n"
           << std::flush;
  }
  spdlog::info(
      "[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles");
  const auto now = std::chrono::system_clock::now();
  for (const auto& t : d.cfg.bootstrap_tokens) {
    auto r = apiclient::create_or_update_token_secret(*client, t, now);
    if (!r) {
      return std::unexpected(
          Error(std::move(r).error()).with_context("could not create a bootstrap token Secret"));
    }
  }
  auto rules = clusterobjects::object_rules(d.version);
  for (const auto& grant : clusterobjects::node_bootstrap_rbac(rules.lower_case_configured,
                                                               rules.kubelet_client_binding)) {
    KADM_TRY(apply_objects(*client, grant.objects));
    spdlog::info("[bootstrap-token] {}", grant.message);
  }

  spdlog::info("[bootstrap-token] Creating the \"{}\" ConfigMap in the \"kube-public\" namespace",
               clusterobjects::kClusterInfo);
  auto ep = KADM_TRY(admin_endpoint(d));
  std::vector<apiclient::json> objects = {clusterobjects::cluster_info_configmap(
      clusterobjects::cluster_info_kubeconfig(ep.server, ep.ca_pem))};
  for (auto& o : clusterobjects::cluster_info_rbac()) objects.push_back(std::move(o));
  return apply_objects(*client, objects);
}

}  // namespace kadm::init
