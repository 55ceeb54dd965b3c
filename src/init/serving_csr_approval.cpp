#include "init/serving_csr_approval.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "apiclient/wait.h"
#include "clusterobjects/kubelet_serving_csr.h"
#include "init/api_client.h"

namespace kadm::init {

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
    if (spec.value("signerName", "") != clusterobjects::kKubeletServingSigner) continue;
    if (clusterobjects::csr_decided(csr)) continue;
    const std::string node = clusterobjects::csr_requesting_node(csr);
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
    const auto verdict = clusterobjects::check_kubelet_serving_csr(csr, node_object);
    if (!verdict.approve) {
      out.refused.emplace_back(name, verdict.reason);
      continue;
    }
    apiclient::Request put;
    put.method = "PUT";
    put.path = std::string(kCsrs) + "/" + name + "/approval";
    put.body = clusterobjects::approved_csr(csr);
    put.idempotent = true;  // approving twice is the same as once
    auto r = client.send(put);
    if (!r) return std::unexpected(std::move(r).error());
    out.approved.push_back(name + " (" + verdict.reason + ")");
  }
  return out;
}

bool server_tls_bootstrap(const std::string& kubelet_config_yaml) {
  if (kubelet_config_yaml.empty()) return false;
  try {
    YAML::Node c = YAML::Load(kubelet_config_yaml);
    return c.IsMap() && c["serverTLSBootstrap"] && c["serverTLSBootstrap"].IsScalar() &&
           c["serverTLSBootstrap"].as<bool>();
  } catch (const YAML::Exception&) {
    return false;
  }
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

Status run_approve_serving_cert(InitData& d) {
  if (!server_tls_bootstrap(d.cfg.kubelet_config_yaml)) {
    spdlog::debug(
        "[kubelet-finalize] serverTLSBootstrap is off: no serving certificate to approve");
    return {};
  }
  if (d.effects->dry_run()) {
    spdlog::info(
        "[dryrun] Would approve the kubelet serving certificate request of node \"{}\" once its "
        "names match the Node's addresses",
        d.cfg.node_registration.name);
    return {};
  }
  auto* client = KADM_TRY(api_client(d));
  return approve_own_serving_csr(*client, d.cfg.node_registration.name,
                                 d.cfg.timeouts.kubernetes_api_call, "[kubelet-finalize]");
}

}  // namespace kadm::init
