#include "clusterobjects/serving_csr_approval.h"

#include <spdlog/spdlog.h>

#include "apiclient/wait.h"
#include "clusterobjects/kubelet_serving_csr.h"

namespace kadm::clusterobjects {

namespace {
constexpr std::string_view kCsrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
}  // namespace

apiclient::ApiResult<ServingApproval> approve_kubelet_serving_csrs(apiclient::Client& client,
                                                                   std::string_view only_node) {
  auto list = client.list(kCsrs);
  if (!list) return std::unexpected(std::move(list).error());
  ServingApproval out;
  for (const auto& csr : list->value("items", apiclient::json::array())) {
    const auto spec = csr.value("spec", apiclient::json::object());
    if (spec.value("signerName", "") != kKubeletServingSigner) continue;
    if (csr_decided(csr)) continue;
    const std::string node = csr_requesting_node(csr);
    if (!only_node.empty() && node != only_node) continue;
    const std::string name = csr.value("metadata", apiclient::json::object()).value("name", "");
    apiclient::json node_object;  // null: no such Node
    if (!node.empty()) {
      auto n = client.get("/api/v1/nodes/" + node);
      if (n) {
        node_object = *n;
      } else if (!n.error().is_not_found()) {
        return std::unexpected(std::move(n).error());
      }
    }
    const auto verdict = check_kubelet_serving_csr(csr, node_object);
    if (!verdict.approve) {
      out.refused.emplace_back(name, verdict.reason);
      continue;
    }
    apiclient::Request put;
    put.method = "PUT";
    put.path = std::string(kCsrs) + "/" + name + "/approval";
    put.body = approved_csr(csr);
    put.idempotent = true;  // approving twice is the same as once
    auto r = client.send(put);
    if (!r) return std::unexpected(std::move(r).error());
    out.approved.push_back(name + " (" + verdict.reason + ")");
  }
  return out;
}

Status approve_own_serving_csr(apiclient::Client& client, const std::string& node, Duration timeout,
                               std::string_view prefix, apiclient::Clock* clock) {
  apiclient::WaitOptions w;
  w.timeout = timeout;
  w.interval = Duration(1000);
  w.clock = clock;
  w.what = "a kubelet serving certificate request from node \"" + node + "\"";
  std::string last_refusal;
  auto waited = apiclient::wait_for(
      [&]() -> Result<bool> {
        auto pass = approve_kubelet_serving_csrs(client, node);
        if (!pass) return std::unexpected(Error(std::move(pass).error()));
        for (const auto& a : pass->approved) {
          spdlog::info("{} Approved kubelet serving certificate request {}", prefix, a);
        }
        for (const auto& [name, why] : pass->refused) {
          if (why != last_refusal) {
            spdlog::warn("{} Not approving {}: {}", prefix, name, why);
            last_refusal = why;
          }
        }
        return !pass->approved.empty();
      },
      w);
  if (!waited) {
    spdlog::warn(
        "{} No kubelet serving certificate request of node \"{}\" approved ({}); "
        "`kubectl logs` and `exec` reach this node once one is: run `kadm certs "
        "approve-kubelet-serving` on a control plane",
        prefix, node, waited.error().message());
  }
  return {};
}

}  // namespace kadm::clusterobjects
