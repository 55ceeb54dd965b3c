#include "join/control_plane_config.h"

namespace kadm::join {

config::InitConfiguration control_plane_init_configuration(
    const config::ClusterConfiguration& cluster, const config::JoinConfiguration& join) {
  config::InitConfiguration cfg;
  cfg.cluster = cluster;
  cfg.node_registration = join.node_registration;
  cfg.timeouts = join.timeouts;
  cfg.dry_run = join.dry_run;
  cfg.patches_directory = join.patches_directory;
  if (join.control_plane) {
    cfg.local_api_endpoint = join.control_plane->local_api_endpoint;
    cfg.certificate_key = join.control_plane->certificate_key;
  }
  return cfg;
}

}  // namespace kadm::join
