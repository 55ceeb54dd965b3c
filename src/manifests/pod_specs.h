#pragma once
// Pure functions from configuration to kubeadm's static pod specs (spec §3), for the Kubernetes
// version the configuration names. They only ask the host (host::Host) which CA-trust directories
// and CA files exist and which proxy variables are set.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "host/host.h"
#include "manifests/pod.h"

namespace kadm::manifests {

struct EtcdMember {
  std::string name;
  std::string peer_url;
};

Result<Pod> apiserver_pod(const config::InitConfiguration& cfg, const host::Host& host);
Result<Pod> controller_manager_pod(const config::InitConfiguration& cfg, const host::Host& host);
Result<Pod> scheduler_pod(const config::InitConfiguration& cfg, const host::Host& host);
// initial_cluster empty = a new cluster of this one member; otherwise the members to join
// (the new one included), written with --initial-cluster-state=existing. run_as: the user etcd
// runs as (etcd_identity.h), which reads its TLS files from kEtcdTlsDir then; nullopt = root.
Result<Pod> etcd_pod(const config::InitConfiguration& cfg,
                     const std::vector<EtcdMember>& initial_cluster, const host::Host& host,
                     std::optional<fs::Owner> run_as = std::nullopt);

// Command-line merge of kubeadm's defaults with the user's extraArgs: a user arg replaces every
// default of the same name; repeats are kept. Order per the version's ExtraArgsOrder.
std::vector<std::string> merge_args(std::vector<config::Arg> defaults,
                                    const std::vector<config::Arg>& user, bool user_order_kept);

}  // namespace kadm::manifests
