#include "config/token_rules.h"

#include <algorithm>

#include "common/strings.h"

namespace kadm::config {

namespace {

constexpr std::size_t kTokenIdSize = 6;
constexpr std::size_t kTokenSecretSize = 16;
constexpr std::string_view kGroupPrefix = "system:bootstrappers:";
constexpr std::size_t kGroupMaxSuffix = 256;
constexpr std::string_view kCaHashFormat = "sha256";
constexpr std::size_t kSha256Bytes = 32;

bool is_token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

bool is_valid_bootstrap_token(std::string_view token) {
  if (token.size() != kTokenIdSize + 1 + kTokenSecretSize || token[kTokenIdSize] != '.') {
    return false;
  }
  if (!is_valid_bootstrap_token_id(token.substr(0, kTokenIdSize))) return false;
  // How far a guessed secret matched must not show in the time this takes.
  unsigned bad = 0;
  for (char c : token.substr(kTokenIdSize + 1)) bad |= is_token_char(c) ? 0u : 1u;
  return bad == 0;
}

bool is_valid_bootstrap_token_id(std::string_view id) {
  return id.size() == kTokenIdSize && std::ranges::all_of(id, is_token_char);
}

bool is_valid_bootstrap_group(std::string_view group) {
  if (!group.starts_with(kGroupPrefix)) return false;
  const auto rest = group.substr(kGroupPrefix.size());
  if (rest.empty() || rest.size() > kGroupMaxSuffix || !is_token_char(rest.back())) return false;
  return std::ranges::all_of(rest, [](char c) { return is_token_char(c) || c == ':' || c == '-'; });
}

bool is_known_token_usage(std::string_view usage) {
  return std::ranges::find(kTokenUsages, usage) != kTokenUsages.end();
}

Result<std::string> parse_ca_cert_hash(std::string_view hash) {
  const auto parts = str::split(hash, ':', false);
  if (parts.size() != 2) {
    return fail(ErrorKind::Validation,
                "invalid hash \"" + std::string(hash) + "\", expected \"format:hex-value\"");
  }
  if (str::lower(parts[0]) != kCaHashFormat) {
    return fail(ErrorKind::Validation,
                "unknown hash format \"" + parts[0] + "\". Known format(s) are: sha256");
  }
  std::string hex = str::lower(parts[1]);
  if (hex.size() != 2 * kSha256Bytes || !std::ranges::all_of(hex, is_hex)) {
    return fail(ErrorKind::Validation, "expected a 32 byte SHA-256 hash, found " +
                                           std::to_string(hex.size() / 2) + " bytes");
  }
  return hex;
}

bool is_valid_ca_cert_hash(std::string_view hash) { return parse_ca_cert_hash(hash).has_value(); }

}  // namespace kadm::config
