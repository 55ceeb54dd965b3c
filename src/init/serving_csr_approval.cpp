#include "init/serving_csr_approval.h"

#include <spdlog/spdlog.h>

#include "init/api_client.h"
#include "kubelet/kubelet_config.h"

namespace kadm::init {

Status run_approve_serving_cert(InitData& d) {
  if (!kubelet::server_tls_bootstrap(d.cfg.kubelet_config_yaml)) {
    spdlog::debug(
        "[kubelet-finalize] serverTLSBootstrap is off: no serving certificate to approve");
    return {};
  }
  return d.connect.approve_serving([&d] { return api_client(d); }, d.cfg.node_registration.name,
                                   d.cfg.timeouts.kubernetes_api_call, "[kubelet-finalize]");
}

}  // namespace kadm::init
