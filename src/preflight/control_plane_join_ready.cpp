#include "preflight/control_plane_join_ready.h"

#include "common/strings.h"
#include "config/defaults.h"

namespace kadm::preflight {

namespace {

// Relative to certificatesDir; the etcd CA only matters when the cluster runs its own etcd.
struct SharedFile {
  const char* path;
  bool local_etcd_only;
};
constexpr SharedFile kShared[] = {
    {"ca.crt", false},
    {"ca.key", false},
    {"sa.key", false},
    {"sa.pub", false},
    {"front-proxy-ca.crt", false},
    {"front-proxy-ca.key", false},
    {"etcd/ca.crt", true},
    {"etcd/ca.key", true},
};

}  // namespace

std::vector<std::string> missing_shared_certificates(const config::ClusterConfiguration& cluster,
                                                     const host::Host& host) {
  const std::string dir = config::certificates_dir_or_default(cluster);
  std::vector<std::string> missing;
  for (const auto& f : kShared) {
    if (f.local_etcd_only && cluster.etcd.external) continue;
    std::string path = dir + "/" + f.path;
    if (!host.exists(path)) missing.push_back(path);
  }
  return missing;
}

Status ready_for_control_plane_join(const config::ClusterConfiguration& cluster,
                                    bool download_certs, const host::Host& host) {
  std::vector<std::string> problems;
  if (cluster.control_plane_endpoint.empty()) {
    problems.push_back(
        "the cluster has no controlPlaneEndpoint, so there is no stable address shared by all "
        "control planes; give it one (a DNS name or load-balancer address) first");
  }
  if (!download_certs) {
    if (auto missing = missing_shared_certificates(cluster, host); !missing.empty()) {
      problems.push_back("the certificates shared by all control planes are not on this host (" +
                         str::join(missing, ", ") +
                         "); pass --certificate-key (from `kadm init --upload-certs` or `kadm "
                         "init phase upload-certs --upload-certs`), or copy them from an "
                         "existing control plane");
    }
  }
  if (problems.empty()) return {};
  return fail(ErrorKind::Validation,
              "this host cannot become a new control-plane instance: " + str::join(problems, "; "));
}

}  // namespace kadm::preflight
