#pragma once
// Configuration validation. Every function returns ALL problems found, one human-readable line
// each, prefixed with the field path ("networking.podSubnet: ..."); empty means valid.
// Run it after defaults (defaults.h) so required fields are filled in.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/token_rules.h"  // the single-value checks, shared with flags and token
#include "config/types.h"

namespace kadm::config {

std::vector<std::string> validate_init(const InitConfiguration& cfg);
std::vector<std::string> validate_cluster(const ClusterConfiguration& cfg);
std::vector<std::string> validate_join(const JoinConfiguration& cfg);
std::vector<std::string> validate_reset(const ResetConfiguration& cfg);

/// {} if `problems` is empty, else one Validation error listing each problem on its own line.
Status to_status(const std::vector<std::string>& problems);

}  // namespace kadm::config
