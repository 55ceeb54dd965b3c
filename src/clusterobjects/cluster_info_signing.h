#pragma once
// Signing ConfigMap kube-public/cluster-info for the tokens kadm creates (spec §5.2): the same
// `jws-kubeconfig-<id>` entries the controller-manager's bootstrap signer writes, so the first
// join need not wait for the signer, which then finds them correct and leaves them alone.

#include <optional>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::clusterobjects {

// Adds the entries of the tokens with the `signing` usage that cluster-info lacks, with a merge
// patch of `data` (every other key stays), conditional on the resourceVersion that was signed;
// on a conflict the ConfigMap is read again and signed again. `current` is cluster-info as the
// caller just wrote it, if it has it; otherwise it is read first. Returns the ids whose entry was
// written (empty: nothing was missing). NotFound when there is no cluster-info. Nothing it
// logs or returns holds a token secret or a signature.
apiclient::ApiResult<std::vector<std::string>> sign_cluster_info(
    apiclient::Client& client, const std::vector<config::BootstrapToken>& tokens,
    SystemTimePoint now, std::optional<apiclient::json> current = std::nullopt);

}  // namespace kadm::clusterobjects
