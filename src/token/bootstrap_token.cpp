#include "token/bootstrap_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>

#include "common/strings.h"

namespace kadm::token {

namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

Result<std::string> random_chars(size_t n) {
  // 252 = 7 * 36: bytes at or above it are rejected so that `byte % 36` stays uniform.
  constexpr unsigned kLimit = 252;
  std::string out;
  while (out.size() < n) {
    std::array<unsigned char, 32> buf{};
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
      return fail(ErrorKind::General, "cannot read from the random number generator");
    }
    for (unsigned char b : buf) {
      if (b >= kLimit || out.size() == n) continue;
      out += kAlphabet[b % kAlphabet.size()];
    }
    OPENSSL_cleanse(buf.data(), buf.size());
  }
  return out;
}

std::unexpected<Error> token_mismatch(std::string_view what) {
  return fail(ErrorKind::Validation, "the bootstrap token \"" + std::string(what) +
                                         "\" was not of the form \"" + std::string(kTokenPattern) +
                                         "\"");
}

}  // namespace

Result<TokenString> parse_token(std::string_view token) {
  // Never echo the secret part back into an error message.
  if (!is_valid_bootstrap_token(token)) {
    auto dot = token.find('.');
    std::string shown = dot == std::string_view::npos
                            ? "<redacted>"
                            : std::string(token.substr(0, dot)) + ".<redacted>";
    return token_mismatch(shown);
  }
  auto dot = token.find('.');
  return TokenString{std::string(token.substr(0, dot)), std::string(token.substr(dot + 1))};
}

Result<TokenString> token_from_id_and_secret(std::string_view id, std::string_view secret) {
  return parse_token(std::string(id) + "." + std::string(secret));
}

Result<std::string> parse_token_id_or_token(std::string_view text) {
  if (is_valid_bootstrap_token_id(text)) return std::string(text);
  if (is_valid_bootstrap_token(text)) return std::string(text.substr(0, text.find('.')));
  return fail(ErrorKind::Validation, "given token didn't match pattern \"" +
                                         std::string(kTokenPattern) + "\" or \"" +
                                         std::string(kTokenIdPattern) + "\"");
}

Result<TokenString> generate_token() {
  auto id = KADM_TRY(random_chars(6));
  auto secret = KADM_TRY(random_chars(16));
  return TokenString{std::move(id), std::move(secret)};
}

std::string secret_name(std::string_view id) {
  return std::string(kSecretNamePrefix) + std::string(id);
}

Status validate_usages(const std::vector<std::string>& usages) {
  for (const auto& u : usages) {
    if (!config::is_known_token_usage(u)) {
      return fail(ErrorKind::Validation,
                  "invalid bootstrap token usage string: " + u + ", valid usage options: " +
                      std::string(kUsageSigning) + "," + std::string(kUsageAuthentication));
    }
  }
  return {};
}

Status validate_group(std::string_view group) {
  if (config::is_valid_bootstrap_group(group)) return {};
  return fail(ErrorKind::Validation, "bootstrap group \"" + std::string(group) +
                                         "\" is invalid (must match " + std::string(kGroupPattern) +
                                         ")");
}

Status validate_groups(const std::vector<std::string>& groups) {
  for (const auto& g : groups) KADM_TRY(validate_group(g));
  return {};
}

}  // namespace kadm::token
