#pragma once
// The configuration a joining control-plane node generates its files from: the cluster's
// ClusterConfiguration (from kubeadm-config) with this node's registration and API endpoint.

#include "config/types.h"

namespace kadm::join {

config::InitConfiguration control_plane_init_configuration(
    const config::ClusterConfiguration& cluster, const config::JoinConfiguration& join);

}  // namespace kadm::join
