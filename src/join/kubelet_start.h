#pragma once
// join's kubelet-start phase for a worker (spec §7.2, §7.3): with the bootstrap token it checks
// the node name is free, reads the cluster's kubelet configuration, gets the kubelet's client
// certificate (directly, or by letting the kubelet do the TLS bootstrap), and only then writes
// the node's files, kubelet.conf last. A refused join writes nothing.

#include "common/error.h"
#include "join/join_data.h"

namespace kadm::join {

Status run_kubelet_start(JoinData& data);

// The refusal for a name taken by a Ready node; NotReady or absent nodes pass.
Status check_node_name_free(const nlohmann::json& node, std::string_view name);

}  // namespace kadm::join
