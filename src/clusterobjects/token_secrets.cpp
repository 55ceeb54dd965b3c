#include "clusterobjects/token_secrets.h"

#include "apiclient/objects.h"
#include "token/bootstrap_token.h"
#include "token/token_secret.h"

namespace kadm::clusterobjects {

using apiclient::ApiError;
using apiclient::kKubeSystem;
using apiclient::secret_path;

namespace {

constexpr std::string_view kTokenSecretSelector =
    "?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken";

ApiError validation_error(std::string message) {
  return ApiError(Error(ErrorKind::Validation, std::move(message)));
}

}  // namespace

ApiResult<std::vector<json>> list_bootstrap_token_secrets(Client& client) {
  auto list = client.list(secret_path(kKubeSystem) + std::string(kTokenSecretSelector));
  if (!list) return std::unexpected(std::move(list).error());
  std::vector<json> items;
  if (list->is_object()) {
    if (auto it = list->find("items"); it != list->end() && it->is_array()) {
      for (const auto& item : *it) items.push_back(item);
    }
  }
  return items;
}

ApiResult<json> create_token_secret(Client& client, const config::BootstrapToken& token,
                                    SystemTimePoint now) {
  auto secret = token::token_to_secret(token, now);
  if (!secret) return std::unexpected(ApiError(std::move(secret).error()));
  std::string name = (*secret)["metadata"]["name"];
  auto existing = client.get(secret_path(kKubeSystem, name));
  if (existing) {
    std::string id = name.substr(token::kSecretNamePrefix.size());
    return std::unexpected(ApiError(ErrorKind::Conflict,
                                    "a token with id \"" + id + "\" already exists", 409,
                                    "AlreadyExists"));
  }
  if (!existing.error().is_not_found()) return existing;
  return client.create(secret_path(kKubeSystem), *secret);
}

ApiResult<json> create_or_update_token_secret(Client& client, const config::BootstrapToken& token,
                                              SystemTimePoint now) {
  auto secret = token::token_to_secret(token, now);
  if (!secret) return std::unexpected(ApiError(std::move(secret).error()));
  return client.create_or_update(secret_path(kKubeSystem), *secret);
}

ApiResult<json> delete_token_secret(Client& client, std::string_view token_id) {
  if (!token::is_valid_bootstrap_token_id(token_id)) {
    return std::unexpected(
        validation_error("\"" + std::string(token_id) + "\" is not a valid bootstrap token id"));
  }
  return client.remove(secret_path(kKubeSystem, token::secret_name(token_id)));
}

}  // namespace kadm::clusterobjects
