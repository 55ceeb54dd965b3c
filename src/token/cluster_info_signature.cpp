#include "token/cluster_info_signature.h"

#include "token/bootstrap_token.h"
#include "token/jws.h"
#include "token/token_secret.h"

namespace kadm::token {

namespace {

constexpr std::string_view kSignedKey = "kubeconfig";  // the data key the signatures cover

const nlohmann::json* data_string(const nlohmann::json& configmap, std::string_view key) {
  if (!configmap.is_object()) return nullptr;
  auto data = configmap.find("data");
  if (data == configmap.end() || !data->is_object()) return nullptr;
  auto it = data->find(key);
  return it != data->end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

Result<bool> signs_cluster_info(const config::BootstrapToken& token, SystemTimePoint now) {
  auto data = KADM_TRY(encode_token_secret_data(token, now));
  auto usage = data.find(std::string(kUsagePrefix) + std::string(kUsageSigning));
  return usage != data.end() && usage->second == "true" && !token_secret_data_expired(data, now);
}

Result<std::map<std::string, std::string>> missing_signatures(
    const nlohmann::json& configmap, const std::vector<config::BootstrapToken>& tokens,
    SystemTimePoint now) {
  const nlohmann::json* content = data_string(configmap, kSignedKey);
  if (content == nullptr) {
    return fail(ErrorKind::Validation,
                "the cluster-info ConfigMap has no \"kubeconfig\" key to sign");
  }
  std::map<std::string, std::string> out;
  for (const auto& t : tokens) {
    if (!KADM_TRY(signs_cluster_info(t, now))) continue;
    auto tok = KADM_TRY(parse_token(t.token));
    std::string key = std::string(kSignatureKeyPrefix) + tok.id;
    std::string sig =
        KADM_TRY(detached_signature(content->get_ref<const std::string&>(), tok.id, tok.secret));
    const nlohmann::json* present = data_string(configmap, key);
    if (present != nullptr && present->get_ref<const std::string&>() == sig) continue;
    out[std::move(key)] = std::move(sig);
  }
  return out;
}

nlohmann::json signature_merge_patch(const nlohmann::json& configmap,
                                     const std::map<std::string, std::string>& signatures) {
  nlohmann::json patch = {{"data", signatures}};
  if (configmap.is_object()) {
    auto md = configmap.find("metadata");
    if (md != configmap.end() && md->is_object()) {
      auto rv = md->find("resourceVersion");
      if (rv != md->end() && rv->is_string() && !rv->get_ref<const std::string&>().empty()) {
        patch["metadata"]["resourceVersion"] = *rv;
      }
    }
  }
  return patch;
}

}  // namespace kadm::token
