#pragma once
// Whether a cluster can take another control-plane instance from this host (kubeadm checks this
// in join's preflight before running any control-plane check): the cluster needs a stable
// controlPlaneEndpoint, and without --certificate-key the files every control plane shares must
// already be on this host.

#include <string>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "host/host.h"

namespace kadm::preflight {

/// Shared files missing under the cluster's certificatesDir (CA, service-account key pair,
/// front-proxy CA, and the etcd CA for a local etcd), as host paths.
std::vector<std::string> missing_shared_certificates(const config::ClusterConfiguration& cluster,
                                                     const host::Host& host);

/// Every reason the join cannot go on, in one Validation error; ok when there is none.
Status ready_for_control_plane_join(const config::ClusterConfiguration& cluster,
                                    bool download_certs, const host::Host& host);

}  // namespace kadm::preflight
