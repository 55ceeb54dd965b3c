#include "token/bootstrap_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <regex>

#include "common/strings.h"

namespace kadm::token {

namespace {

// ECMAScript equivalents of kTokenPattern etc.; regex_match anchors both ends like \A...\z.
const std::regex& token_regex() {
  static const std::regex re(R"(([a-z0-9]{6})\.([a-z0-9]{16}))");
  return re;
}
const std::regex& id_regex() {
  static const std::regex re(R"([a-z0-9]{6})");
  return re;
}
const std::regex& group_regex() {
  static const std::regex re(R"(system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9])");
  return re;
}

constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr std::array<std::string_view, 2> kKnownUsages = {kUsageSigning, kUsageAuthentication};

bool is_token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Character-class check of the secret without data-dependent branches or early exit.
bool secret_is_well_formed(std::string_view secret) {
  unsigned bad = secret.size() == 16 ? 0u : 1u;
  for (char c : secret) bad |= is_token_char(c) ? 0u : 1u;
  return bad == 0;
}

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

bool is_valid_token(std::string_view token) {
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return false;
  if (!is_valid_token_id(token.substr(0, dot))) return false;
  bool secret_ok = secret_is_well_formed(token.substr(dot + 1));
  return secret_ok && std::regex_match(token.begin(), token.end(), token_regex());
}

bool is_valid_token_id(std::string_view id) {
  return std::regex_match(id.begin(), id.end(), id_regex());
}

Result<TokenString> parse_token(std::string_view token) {
  // Never echo the secret part back into an error message.
  if (!is_valid_token(token)) {
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
  if (is_valid_token_id(text)) return std::string(text);
  if (is_valid_token(text)) return std::string(text.substr(0, text.find('.')));
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
    if (std::find(kKnownUsages.begin(), kKnownUsages.end(), u) == kKnownUsages.end()) {
      return fail(ErrorKind::Validation,
                  "invalid bootstrap token usage string: " + u + ", valid usage options: " +
                      std::string(kUsageSigning) + "," + std::string(kUsageAuthentication));
    }
  }
  return {};
}

Status validate_group(std::string_view group) {
  if (std::regex_match(group.begin(), group.end(), group_regex())) return {};
  return fail(ErrorKind::Validation, "bootstrap group \"" + std::string(group) +
                                         "\" is invalid (must match " + std::string(kGroupPattern) +
                                         ")");
}

Status validate_groups(const std::vector<std::string>& groups) {
  for (const auto& g : groups) KADM_TRY(validate_group(g));
  return {};
}

}  // namespace kadm::token
