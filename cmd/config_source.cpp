#include "config_source.h"

#include <unistd.h>

#include "common/strings.h"
#include "config/advertise_address.h"

namespace kadm::cli {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return str::lower(buf);
}

Result<config::InitConfiguration> load_init_configuration(const config::InitFlags& flags,
                                                          config::Profile* profile) {
  return config::resolve_init_config(flags, flags.config_path, host_name(),
                                     config::detect_advertise_address, profile);
}

Result<config::JoinConfiguration> load_join_configuration(const config::JoinFlags& flags,
                                                          config::Profile* profile) {
  return config::resolve_join_config(flags, flags.config_path, host_name(),
                                     config::detect_advertise_address, profile);
}

}  // namespace kadm::cli
