#pragma once
// Configuration validation. Every function returns ALL problems found, one human-readable line
// each, prefixed with the field path ("networking.podSubnet: ..."); empty means valid.
// Run it after defaults (defaults.h) so required fields are filled in.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/types.h"

namespace kadm::config {

std::vector<std::string> validate_init(const InitConfiguration& cfg);
std::vector<std::string> validate_cluster(const ClusterConfiguration& cfg);
std::vector<std::string> validate_join(const JoinConfiguration& cfg);
std::vector<std::string> validate_reset(const ResetConfiguration& cfg);

/// {} if `problems` is empty, else one Validation error listing each problem on its own line.
Status to_status(const std::vector<std::string>& problems);

/// Single-value checks shared with flag parsing and other modules.
bool is_valid_bootstrap_token(std::string_view token);  // "<6>.<16>" of [a-z0-9]
bool is_valid_bootstrap_group(std::string_view group);  // system:bootstrappers:...
bool is_valid_ca_cert_hash(std::string_view hash);      // sha256:<64 hex>

}  // namespace kadm::config
