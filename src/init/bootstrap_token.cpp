#include <spdlog/spdlog.h>

#include <chrono>
#include <ostream>

#include "apiclient/objects.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/cluster_info_signing.h"
#include "clusterobjects/object_rules.h"
#include "clusterobjects/token_secrets.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/cluster_endpoint.h"
#include "token/bootstrap_token.h"
#include "token/join_command.h"

namespace kadm::init {

namespace {

// What the bootstrap signer would add a moment later; without it a join waits for the signer,
// so a failure here only warns. Neither the token secret nor the signature is logged.
void sign_cluster_info_or_warn(apiclient::Client& client,
                               const std::vector<config::BootstrapToken>& tokens,
                               SystemTimePoint now, apiclient::json written) {
  auto signed_ids = clusterobjects::sign_cluster_info(client, tokens, now, std::move(written));
  if (!signed_ids) {
    spdlog::warn(
        "[bootstrap-token] could not sign the \"{}\" ConfigMap for the bootstrap tokens: {}; "
        "the controller-manager's bootstrap signer will sign it",
        clusterobjects::kClusterInfo, signed_ids.error().text());
    return;
  }
  for (const auto& id : *signed_ids) {
    spdlog::debug("[bootstrap-token] signed the \"{}\" ConfigMap for token id \"{}\"",
                  clusterobjects::kClusterInfo, id);
  }
}

}  // namespace

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
    // Only the id: the join command that show-join-command prints is the one place the token
    // appears (kubeadm also prints the whole token here).
    const std::string& token = d.cfg.bootstrap_tokens.front().token;
    *d.out << "[bootstrap-token] Using token id: " << token.substr(0, token.find('.'))
           << (d.options.skip_token_print ? "" : " (the token is in the join command below)")
           << "\n"
           << std::flush;
  }
  spdlog::info(
      "[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles");
  const auto now = std::chrono::system_clock::now();
  for (const auto& t : d.cfg.bootstrap_tokens) {
    auto r = clusterobjects::create_or_update_token_secret(*client, t, now);
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
  const auto configmap = clusterobjects::cluster_info_configmap(
      clusterobjects::cluster_info_kubeconfig(ep.server, ep.ca_pem));
  auto cluster_info = apiclient::apply_object(*client, configmap);
  if (!cluster_info) {
    return std::unexpected(Error(std::move(cluster_info).error())
                               .with_context("could not apply ConfigMap \"cluster-info\""));
  }
  sign_cluster_info_or_warn(*client, d.cfg.bootstrap_tokens, now, std::move(*cluster_info));
  return apply_objects(*client, clusterobjects::cluster_info_rbac());
}

}  // namespace kadm::init
