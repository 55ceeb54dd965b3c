// Bootstrap tokens and CA pins as they arrive on the command line, in a config or from the API:
// the one rule for a token, a group and a CA pin (config/token_rules) agrees with kubeadm's
// regular expressions; a parsed token prints back to its input; a rejected token's secret never
// appears in the error; a hash the config validator accepts is one discovery can pin;
// certificate keys, RFC 3339 expirations and bootstrap token Secrets from the API fail cleanly.
//
// The first byte picks the parser, the rest is its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "certs/pin.h"
#include "common/time_format.h"
#include "config/validate.h"
#include "token/bootstrap_token.h"
#include "token/certificate_key.h"
#include "token/token_secret.h"

namespace {

using namespace kadm;

bool is_token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// kubeadm's patterns (token::kTokenPattern, kGroupPattern; the pin parser), as ECMAScript:
// regex_match anchors both ends like \A...\z.
bool matches(std::string_view text, const char* pattern, bool icase = false) {
  const std::regex re(pattern,
                      icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
  return std::regex_match(text.begin(), text.end(), re);
}

void token_string(std::string_view text) {
  const bool valid = config::is_valid_bootstrap_token(text);
  if (valid != matches(text, R"([a-z0-9]{6}\.[a-z0-9]{16})")) std::abort();
  auto parsed = token::parse_token(text);
  if (parsed.has_value() != valid) std::abort();
  if (parsed) {
    if (parsed->to_string() != text) std::abort();
    if (!config::is_valid_bootstrap_token_id(parsed->id)) std::abort();
    auto again = token::token_from_id_and_secret(parsed->id, parsed->secret);
    if (!again || *again != *parsed) std::abort();
  } else if (auto dot = text.find('.'); dot != std::string_view::npos) {
    // A secret-shaped part after the dot must not be echoed back.
    const auto secret = text.substr(dot + 1);
    bool secret_like = secret.size() == 16;
    for (char c : secret) secret_like = secret_like && is_token_char(c);
    // (The part before the dot is shown; the check is moot when it holds the same text.)
    secret_like = secret_like && text.substr(0, dot).find(secret) == std::string_view::npos;
    if (secret_like && parsed.error().text().find(secret) != std::string::npos) std::abort();
  }
  auto id = token::parse_token_id_or_token(text);
  if (id && !config::is_valid_bootstrap_token_id(*id)) std::abort();
}

void group(std::string_view text) {
  const bool valid = token::validate_group(text).has_value();
  if (valid != matches(text, "system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]")) std::abort();
  (void)token::validate_usages({std::string(text)});
}

void pin(std::string_view text) {
  certs::PinSet pins;
  const bool allowed = pins.allow(std::string(text)).has_value();
  if (config::is_valid_ca_cert_hash(text) != allowed) std::abort();
  if (allowed != matches(text, "sha256:[0-9a-f]{64}", /*icase=*/true)) std::abort();
  if (allowed == pins.empty()) std::abort();
}

void certificate_key(std::string_view text) {
  auto key = token::decode_certificate_key(text.substr(0, 64));
  if (!key) return;
  if (key->size() != token::kCertificateKeyBytes) std::abort();
  const auto rest = text.size() > 64 ? text.substr(64) : std::string_view();
  (void)token::open(*key, rest);  // a forged sealed Secret
  auto sealed = token::seal(*key, rest);
  if (!sealed) std::abort();
  auto opened = token::open(*key, *sealed);
  if (!opened || *opened != rest) std::abort();
}

void expiration(std::string_view text) {
  auto t = parse_rfc3339(text);
  if (!t) return;
  auto again = parse_rfc3339(format_rfc3339_utc(*t));
  if (!again) std::abort();
}

void secret(std::string_view text) {
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return;
  (void)token::decode_secret_data(doc);
  auto tok = token::token_from_secret(doc);
  if (!tok) return;
  if (!config::is_valid_bootstrap_token(tok->token)) std::abort();
  if (auto data = token::decode_secret_data(doc)) {
    (void)token::token_secret_data_expired(*data, std::chrono::system_clock::time_point{});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      token_string(text);
      break;
    case 1:
      group(text);
      break;
    case 2:
      pin(text);
      break;
    case 3:
      certificate_key(text);
      break;
    case 4:
      expiration(text);
      break;
    default:
      secret(text);
  }
  return 0;
}
