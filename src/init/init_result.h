#pragma once
// What a finished `kadm init` hands to the next step (join commands, token, CA pins): shared by
// the human "show-join-command" text and the `--output json` result event.

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "init/init_data.h"
#include "token/join_command.h"

namespace kadm::init {

// The options of token::init_success_text for this run; withheld values stay withheld.
Result<token::InitSuccessOptions> init_success_options(InitData& data);

// The "result" event fields (README.md, "Machine-readable output"): kubernetesVersion, token,
// caCertHashes, controlPlaneEndpoint, joinCommand, controlPlaneJoinCommand (with upload-certs),
// kubeconfig.
Result<nlohmann::ordered_json> init_result_fields(InitData& data);

}  // namespace kadm::init
