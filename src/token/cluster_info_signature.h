#pragma once
// The `jws-kubeconfig-<token-id>` entries of ConfigMap kube-public/cluster-info that the
// controller-manager's bootstrap signer maintains (spec §5.2), computed by kadm for the tokens it
// creates so that the first join finds them at once. Pure: ConfigMap and tokens in, data out.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::token {

// The signer's rule, applied to the Secret kadm writes for `token` at `now`: the token signs when
// the Secret says `usage-bootstrap-signing: "true"` and has not expired.
Result<bool> signs_cluster_info(const config::BootstrapToken& token, SystemTimePoint now);

// `jws-kubeconfig-<id>` → detached JWS over the ConfigMap's data.kubeconfig for every signing
// token whose entry is absent or different. Empty when there is nothing to add. Error when the
// ConfigMap has no kubeconfig to sign or a token is malformed (the message never holds a secret).
Result<std::map<std::string, std::string>> missing_signatures(
    const nlohmann::json& configmap, const std::vector<config::BootstrapToken>& tokens,
    SystemTimePoint now);

// A JSON merge patch that sets exactly these data keys, so every other key stays. It carries the
// ConfigMap's resourceVersion when it has one: the API server then refuses it (409 Conflict) if
// the kubeconfig may have changed since it was signed.
nlohmann::json signature_merge_patch(const nlohmann::json& configmap,
                                     const std::map<std::string, std::string>& signatures);

}  // namespace kadm::token
