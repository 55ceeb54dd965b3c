#pragma once
// Approval of kubelet serving certificate requests (kubelet serverTLSBootstrap: true), which the
// controller manager signs with the cluster CA but never approves. kadm approves only requests
// that check_kubelet_serving_csr accepts (kubelet_serving_csr.h): init approves its own node's
// right after its kubelet asks; `kadm certs approve-kubelet-serving` on a control plane approves
// those of nodes that joined since.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "common/duration.h"
#include "common/error.h"

namespace kadm::clusterobjects {

struct ServingApproval {
  std::vector<std::string> approved;                         // "csr-name (node)"
  std::vector<std::pair<std::string, std::string>> refused;  // name, why
};

// One pass over the pending kubelet-serving CSRs (only those of `only_node` unless empty).
apiclient::ApiResult<ServingApproval> approve_kubelet_serving_csrs(apiclient::Client& client,
                                                                   std::string_view only_node);

// Waits up to `timeout` for a pending serving CSR of `node` and approves it. Not finding one in
// time is a warning naming the command that approves it later, not an error. `prefix` starts
// each log line ("[kubelet-finalize]").
Status approve_own_serving_csr(apiclient::Client& client, const std::string& node, Duration timeout,
                               std::string_view prefix, apiclient::Clock* clock = nullptr);

}  // namespace kadm::clusterobjects
