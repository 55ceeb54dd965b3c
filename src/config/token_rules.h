#pragma once
// The string formats of bootstrap tokens (spec §4.1), their groups and usages, and CA public-key
// pins (spec §5.3): the one rule for each, used by configuration validation, the token commands
// and join discovery alike.

#include <array>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::config {

// The patterns as kubeadm prints them in error messages (Go regexp syntax).
inline constexpr std::string_view kTokenPattern = R"(\A([a-z0-9]{6})\.([a-z0-9]{16})\z)";
inline constexpr std::string_view kTokenIdPattern = R"(\A([a-z0-9]{6})\z)";
inline constexpr std::string_view kGroupPattern =
    R"(\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z)";

inline constexpr std::string_view kUsageSigning = "signing";
inline constexpr std::string_view kUsageAuthentication = "authentication";
inline constexpr std::array<std::string_view, 2> kTokenUsages = {kUsageSigning,
                                                                 kUsageAuthentication};

// "<id>.<secret>", 6 and 16 of [a-z0-9]. The secret is checked without early exit.
bool is_valid_bootstrap_token(std::string_view token);
bool is_valid_bootstrap_token_id(std::string_view id);
// system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]
bool is_valid_bootstrap_group(std::string_view group);
bool is_known_token_usage(std::string_view usage);

// A CA public-key pin as kubeadm parses it: "<format>:<hex>", the format "sha256" in any case,
// the value 32 bytes of hex in any case. Returns the value in lower case; a Validation error
// in kubeadm's words otherwise.
Result<std::string> parse_ca_cert_hash(std::string_view hash);
bool is_valid_ca_cert_hash(std::string_view hash);

}  // namespace kadm::config
