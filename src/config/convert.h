#pragma once
// Conversion of the older kubeadm.k8s.io versions into the internal (v1beta4-shaped) model.
// Most fields keep their place across versions and are read straight into the model by the
// field tables (schema_*.cpp). The few that moved are read into `Legacy` by their tables' legacy
// rows and placed here, once the whole stream is read.

#include <optional>

#include "common/duration.h"
#include "config/types.h"

namespace kadm::config {

/// Values older versions keep where v1beta4 does not.
struct Legacy {
  // v1beta2/v1beta3 ClusterConfiguration apiServer.timeoutForControlPlane; v1beta4 has
  // InitConfiguration timeouts.controlPlaneComponentHealthCheck.
  Duration timeout_for_control_plane{};
  // v1beta2/v1beta3 JoinConfiguration discovery.timeout; v1beta4 has timeouts.discovery.
  Duration discovery_timeout{};
};

/// Moves what `legacy` holds to its v1beta4 place in `init` / `join` (either may be absent).
void apply_legacy(const Legacy& legacy, std::optional<InitConfiguration>& init,
                  std::optional<JoinConfiguration>& join);

}  // namespace kadm::config
