#pragma once
// Pure functions from configuration to kubeadm's static pod specs (spec §3), for the Kubernetes
// version the configuration names. Nothing here touches the host: host facts come in HostFacts.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/types.h"
#include "manifests/pod.h"

namespace kadm::manifests {

// The few facts about the host that change a manifest; injectable so tests are deterministic.
struct HostFacts {
  // Which CA-trust directories exist (they are mounted only when present).
  std::function<bool(std::string_view)> dir_exists;
  // Which files exist (external-CA mode: ca.crt without ca.key).
  std::function<bool(std::string_view)> file_exists;
  // The environment as "NAME=value"; *_proxy variables are copied into control-plane pods.
  std::vector<std::string> environment;
};

// The real host: stat() and the process environment.
HostFacts real_host();

struct EtcdMember {
  std::string name;
  std::string peer_url;
};

Result<Pod> apiserver_pod(const config::InitConfiguration& cfg, const HostFacts& host);
Result<Pod> controller_manager_pod(const config::InitConfiguration& cfg, const HostFacts& host);
Result<Pod> scheduler_pod(const config::InitConfiguration& cfg, const HostFacts& host);
// initial_cluster empty = a new cluster of this one member; otherwise the members to join
// (the new one included), written with --initial-cluster-state=existing.
Result<Pod> etcd_pod(const config::InitConfiguration& cfg,
                     const std::vector<EtcdMember>& initial_cluster, const HostFacts& host);

// Command-line merge of kubeadm's defaults with the user's extraArgs: a user arg replaces every
// default of the same name; repeats are kept. Order per the version's ExtraArgsOrder.
std::vector<std::string> merge_args(std::vector<config::Arg> defaults,
                                    const std::vector<config::Arg>& user, bool user_order_kept);

}  // namespace kadm::manifests
