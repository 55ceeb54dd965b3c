#include "token/token_secret.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "token/bootstrap_token.h"

namespace kadm::token {

Result<std::map<std::string, std::string>> encode_token_secret_data(
    const config::BootstrapToken& token, TimePoint now) {
  auto parsed = KADM_TRY(parse_token(token.token));
  std::map<std::string, std::string> data;
  data[std::string(kKeyTokenId)] = parsed.id;
  data[std::string(kKeyTokenSecret)] = parsed.secret;
  if (!token.description.empty()) data[std::string(kKeyDescription)] = token.description;

  if (token.expires) {
    data[std::string(kKeyExpiration)] = format_rfc3339_utc(*token.expires);
  } else if (token.ttl && token.ttl->count() > 0) {
    data[std::string(kKeyExpiration)] = format_rfc3339_utc(now + *token.ttl);
  }
  for (const auto& usage : token.usages) {
    data[std::string(kUsagePrefix) + usage] = "true";
  }
  if (!token.groups.empty()) data[std::string(kKeyExtraGroups)] = str::join(token.groups, ",");
  return data;
}

Result<nlohmann::json> token_to_secret(const config::BootstrapToken& token, TimePoint now) {
  auto data = KADM_TRY(encode_token_secret_data(token, now));
  nlohmann::json encoded = nlohmann::json::object();
  for (const auto& [k, v] : data) encoded[k] = str::base64_encode(v);
  return nlohmann::json{
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata",
       {{"name", secret_name(data[std::string(kKeyTokenId)])}, {"namespace", "kube-system"}}},
      {"type", std::string(kSecretType)},
      {"data", std::move(encoded)},
  };
}

Result<std::map<std::string, std::string>> decode_secret_data(const nlohmann::json& secret) {
  std::map<std::string, std::string> out;
  if (!secret.is_object()) return fail(ErrorKind::Validation, "the Secret is not a JSON object");
  auto it = secret.find("data");
  if (it == secret.end() || it->is_null()) return out;
  if (!it->is_object()) return fail(ErrorKind::Validation, "the Secret's data is not a map");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return fail(ErrorKind::Validation, "the Secret's data key \"" + k + "\" is not a string");
    }
    std::string decoded;
    if (!str::base64_decode(v.get_ref<const std::string&>(), decoded)) {
      return fail(ErrorKind::Validation, "the Secret's data key \"" + k + "\" is not valid base64");
    }
    out[k] = std::move(decoded);
  }
  return out;
}

Result<config::BootstrapToken> token_from_secret(const nlohmann::json& secret) {
  std::string name;
  if (secret.is_object() && secret.contains("metadata") && secret["metadata"].is_object()) {
    const auto& md = secret["metadata"];
    if (auto it = md.find("name"); it != md.end() && it->is_string()) name = it->get<std::string>();
  }
  auto data = KADM_TRY_CTX(decode_secret_data(secret), "bootstrap token Secret \"" + name + "\"");
  auto get = [&](std::string_view key) {
    auto it = data.find(std::string(key));
    return it == data.end() ? std::string() : it->second;
  };
  std::string id = get(kKeyTokenId);
  if (name != secret_name(id)) {
    return fail(ErrorKind::Validation,
                "bootstrap token name is not of the form 'bootstrap-token-(token-id)'. Actual: \"" +
                    name + "\". Expected: \"" + secret_name(id) + "\"");
  }
  auto parsed = KADM_TRY_CTX(token_from_id_and_secret(id, get(kKeyTokenSecret)),
                             "bootstrap token Secret \"" + name + "\"");

  config::BootstrapToken token;
  token.token = parsed.to_string();
  token.description = get(kKeyDescription);
  if (std::string exp = get(kKeyExpiration); !exp.empty()) {
    token.expires = KADM_TRY_CTX(parse_rfc3339(exp),
                                 "can't parse expiration time of bootstrap token \"" + name + "\"");
  }
  for (const auto& [k, v] : data) {
    if (k.starts_with(kUsagePrefix) && v == "true") {
      token.usages.push_back(k.substr(kUsagePrefix.size()));
    }
  }
  std::sort(token.usages.begin(), token.usages.end());
  if (std::string groups = get(kKeyExtraGroups); !groups.empty()) {
    token.groups = str::split(groups, ',', false);
  }
  return token;
}

bool token_secret_data_expired(const std::map<std::string, std::string>& data, TimePoint now) {
  auto it = data.find(std::string(kKeyExpiration));
  if (it == data.end() || it->second.empty()) return false;
  auto when = parse_rfc3339(it->second);
  if (!when) return true;
  return *when - now <= TimePoint::duration::zero();
}

}  // namespace kadm::token
