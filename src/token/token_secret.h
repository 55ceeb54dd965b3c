#pragma once
// BootstrapToken <-> Secret `kube-system/bootstrap-token-<id>` (spec §4.2, §11.4).

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::token {

using TimePoint = SystemTimePoint;

inline constexpr std::string_view kKeyTokenId = "token-id";
inline constexpr std::string_view kKeyTokenSecret = "token-secret";
inline constexpr std::string_view kKeyExpiration = "expiration";
inline constexpr std::string_view kKeyDescription = "description";
inline constexpr std::string_view kKeyExtraGroups = "auth-extra-groups";
inline constexpr std::string_view kUsagePrefix = "usage-bootstrap-";

// The Secret's data as plain strings (not yet base64). `expires` wins over `ttl`; a ttl of 0 or
// none and no `expires` means no expiration key; description only when non-empty.
Result<std::map<std::string, std::string>> encode_token_secret_data(
    const config::BootstrapToken& token, TimePoint now);

// The full v1 Secret object, data base64-encoded as the API stores it.
Result<nlohmann::json> token_to_secret(const config::BootstrapToken& token, TimePoint now);

// Reads a Secret back (data base64 as returned by the API). Errors for a name that does not match
// the id, an invalid id/secret, or an unparsable expiration. Usages come back sorted.
Result<config::BootstrapToken> token_from_secret(const nlohmann::json& secret);

// The Secret's data decoded from base64; error for a missing/ill-typed data map or bad base64.
Result<std::map<std::string, std::string>> decode_secret_data(const nlohmann::json& secret);

// Expiry rule of the token cleaner: no expiration = never; unparsable = expired;
// expired when expiration - now <= 0.
bool token_secret_data_expired(const std::map<std::string, std::string>& data, TimePoint now);

}  // namespace kadm::token
