#include "clusterobjects/cluster_info_signing.h"

#include "apiclient/objects.h"
#include "token/cluster_info_signature.h"
#include "token/jws.h"

namespace kadm::clusterobjects {

using namespace apiclient;  // typed access to the ConfigMap being signed

namespace {

constexpr int kConflictAttempts = 5;
constexpr std::string_view kClusterInfo = "cluster-info";

}  // namespace

ApiResult<std::vector<std::string>> sign_cluster_info(
    Client& client, const std::vector<config::BootstrapToken>& tokens, SystemTimePoint now,
    std::optional<json> current) {
  const std::string path = configmap_path(kKubePublic, kClusterInfo);
  for (int attempt = 1;; ++attempt) {
    if (!current) current = KADM_TRY(client.get(path));
    auto missing = token::missing_signatures(*current, tokens, now);
    if (!missing) return std::unexpected(ApiError(std::move(missing).error()));
    std::vector<std::string> ids;
    for (const auto& [key, sig] : *missing)
      ids.push_back(key.substr(token::kSignatureKeyPrefix.size()));
    if (ids.empty()) return ids;

    Request req{"PATCH", path, token::signature_merge_patch(*current, *missing),
                std::string(patch_content_type(PatchType::Merge)), std::nullopt};
    // Setting fixed values under a resourceVersion precondition: a repeat cannot do harm.
    req.idempotent = true;
    auto patched = client.send(req);
    if (patched) return ids;
    if (!patched.error().is_conflict() || attempt >= kConflictAttempts) {
      return std::unexpected(std::move(patched).error());
    }
    current.reset();  // the kubeconfig (or the entries) may have changed: read and sign again
  }
}

}  // namespace kadm::clusterobjects
