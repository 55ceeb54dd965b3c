#pragma once
// init's kubelet-finalize/approve-serving-cert: with serverTLSBootstrap on, the kubelet asks for
// its serving certificate with a CSR the controller manager never approves; init approves its own
// node's through the run environment (clusterobjects/serving_csr_approval.h, or for --dry-run
// only a line saying it would).

#include <string>

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

// init phase kubelet-finalize/approve-serving-cert.
Status run_approve_serving_cert(InitData& data);

}  // namespace kadm::init
