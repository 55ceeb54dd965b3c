#pragma once
// Bootstrap token strings "<id>.<secret>" (spec §4.1): parsing, validation and generation.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/token_rules.h"

namespace kadm::token {

// The formats are the configuration's, which validates the same strings.
using config::is_valid_bootstrap_token;
using config::is_valid_bootstrap_token_id;
using config::kGroupPattern;
using config::kTokenIdPattern;
using config::kTokenPattern;
using config::kUsageAuthentication;
using config::kUsageSigning;

inline constexpr std::string_view kSecretNamePrefix = "bootstrap-token-";
inline constexpr std::string_view kSecretType = "bootstrap.kubernetes.io/token";

struct TokenString {
  std::string id;
  std::string secret;

  // "<id>.<secret>"
  std::string to_string() const { return id + "." + secret; }
  bool operator==(const TokenString&) const = default;
};

// Kind Validation on mismatch; the message names the expected pattern.
Result<TokenString> parse_token(std::string_view token);
Result<TokenString> token_from_id_and_secret(std::string_view id, std::string_view secret);
// Accepts an id or a full token (as `token delete` does) and returns the id.
Result<std::string> parse_token_id_or_token(std::string_view text);

// A fresh token from the OpenSSL CSPRNG, every character uniform over [0-9a-z].
Result<TokenString> generate_token();

// "bootstrap-token-<id>"
std::string secret_name(std::string_view id);

Status validate_usages(const std::vector<std::string>& usages);
Status validate_group(std::string_view group);
Status validate_groups(const std::vector<std::string>& groups);

}  // namespace kadm::token
