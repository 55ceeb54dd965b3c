#pragma once
// The one way every command turns its flags (and --config) into a resolved, defaulted and
// validated configuration, using this host's name and advertise address for the defaults.

#include "common/error.h"
#include "config/init_flags.h"
#include "config/join_flags.h"
#include "config/types.h"

namespace kadm::cli {

// `profile` (optional) receives kadm's profile (--profile, or the KadmConfiguration document).
Result<config::InitConfiguration> load_init_configuration(const config::InitFlags& flags,
                                                          config::Profile* profile = nullptr);
Result<config::JoinConfiguration> load_join_configuration(const config::JoinFlags& flags,
                                                          config::Profile* profile = nullptr);

// This host's name, lower-cased (the default node name).
std::string host_name();

}  // namespace kadm::cli
