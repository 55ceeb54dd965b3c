#pragma once
// Writes configuration in kubeadm.k8s.io/v1beta4 form (what `config print`, `config migrate`
// and the kubeadm-config ConfigMap contain). Keys are sorted and empty optional fields omitted,
// as kubeadm's own serialisation does, so real kubeadm can read the result.

#include <string>

#include "config/types.h"

namespace kadm::config {

/// `kadm config print init-defaults`: InitConfiguration + ClusterConfiguration with kubeadm's
/// placeholders (token abcdef.0123456789abcdef, address 1.2.3.4, node "node").
std::string print_init_defaults();
/// `kadm config print join-defaults`.
std::string print_join_defaults();

/// One v1beta4 document each (no "---").
std::string cluster_configuration_yaml(const ClusterConfiguration& cfg);
std::string init_configuration_yaml(const InitConfiguration& cfg);  // without .cluster
std::string join_configuration_yaml(const JoinConfiguration& cfg);
std::string reset_configuration_yaml(const ResetConfiguration& cfg);

}  // namespace kadm::config
