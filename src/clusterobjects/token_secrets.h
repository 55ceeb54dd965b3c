#pragma once
// The bootstrap token Secrets in kube-system: list, create, update, delete.

#include <string_view>
#include <vector>

#include "apiclient/client.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::clusterobjects {

using apiclient::ApiResult;
using apiclient::Client;
using apiclient::json;

// The items of the kube-system Secrets of type bootstrap.kubernetes.io/token.
ApiResult<std::vector<json>> list_bootstrap_token_secrets(Client& client);
// Creates the token's Secret; fails with `a token with id "<id>" already exists` (Conflict) when
// one does (token create semantics).
ApiResult<json> create_token_secret(Client& client, const config::BootstrapToken& token,
                                    SystemTimePoint now);
// Creates or updates the token's Secret (init's bootstrap-token phase re-runs).
ApiResult<json> create_or_update_token_secret(Client& client, const config::BootstrapToken& token,
                                              SystemTimePoint now);
ApiResult<json> delete_token_secret(Client& client, std::string_view token_id);

}  // namespace kadm::clusterobjects
