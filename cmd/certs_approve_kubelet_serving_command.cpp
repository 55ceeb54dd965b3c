// `kadm certs approve-kubelet-serving`: approves the pending kubelet serving certificate requests
// (kubelet serverTLSBootstrap: true, as the cis profile sets) whose names are the requesting
// Node's own addresses; every other one stays pending and is listed with the reason.
#include <iostream>
#include <memory>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "clusterobjects/serving_csr_approval.h"
#include "common/duration.h"
#include "parent_command.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct ApproveFlags {
  std::string kubeconfig;
  std::string node;
  std::string wait = "0s";
};

Status run_approve(const ApproveFlags& f) {
  const auto wait = KADM_TRY_CTX(parse_duration(f.wait), "invalid --wait");
  const auto path = apiclient::resolve_kubeconfig_path(
      f.kubeconfig.empty() ? std::nullopt : std::optional<std::string>(f.kubeconfig),
      "/etc/kubernetes/admin.conf");
  auto kc = KADM_TRY_CTX(apiclient::load_kubeconfig(path),
                         "cannot load the kubeconfig \"" + path + "\" (set --kubeconfig)");
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, {}));
  if (!f.node.empty() && wait.count() > 0) {
    return clusterobjects::approve_own_serving_csr(*client, f.node, wait, "[certs]");
  }
  auto pass = clusterobjects::approve_kubelet_serving_csrs(*client, f.node);
  if (!pass) return fail(Error(std::move(pass).error()).with_context("approving CSRs"));
  for (const auto& a : pass->approved) std::cout << "approved " << a << "\n";
  for (const auto& [name, why] : pass->refused) {
    std::cout << "left pending " << name << ": " << why << "\n";
  }
  if (pass->approved.empty() && pass->refused.empty()) {
    std::cout << "no pending kubelet serving certificate request"
              << (f.node.empty() ? "" : " of node " + f.node) << "\n";
  }
  return {};
}

const Registrar reg(323, "certs", [](CLI::App& root, Context& ctx) {
  auto* certs =
      parent_command(root, "certs", "Commands related to handling Kubernetes certificates");
  auto flags = std::make_shared<ApproveFlags>();
  auto* cmd = certs->add_subcommand(
      "approve-kubelet-serving",
      "Approve pending kubelet serving certificate requests (serverTLSBootstrap) whose DNS names "
      "and IPs are the requesting Node's own addresses; others stay pending with the reason");
  cmd->add_option(
      "--kubeconfig", flags->kubeconfig,
      "The kubeconfig to talk to the cluster with (default /etc/kubernetes/admin.conf)");
  cmd->add_option("--node", flags->node, "Only the requests of this node");
  cmd->add_option("--wait", flags->wait,
                  "With --node: wait this long for the node's request (e.g. 60s)")
      ->capture_default_str();
  on_run(cmd, ctx, [flags] { return run_approve(*flags); });
});

}  // namespace
}  // namespace kadm::cli
