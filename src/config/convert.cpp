#include "config/convert.h"

namespace kadm::config {

void apply_legacy(const Legacy& legacy, std::optional<InitConfiguration>& init,
                  std::optional<JoinConfiguration>& join) {
  if (legacy.timeout_for_control_plane != Duration{} && init) {
    init->timeouts.control_plane_component_health_check = legacy.timeout_for_control_plane;
  }
  if (legacy.discovery_timeout != Duration{} && join) {
    join->timeouts.discovery = legacy.discovery_timeout;
  }
}

}  // namespace kadm::config
