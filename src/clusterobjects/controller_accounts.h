#pragma once
// The kube-controller-manager's ServiceAccounts in kube-system, created ahead of it.
//
// With --use-service-account-credentials (kubeadm's manifest sets it) the controller-manager,
// once leader, gets a client for each controller from a ServiceAccount of that controller's name:
// it reads the ServiceAccount, on NotFound reads the namespace and creates it, all through one
// client held to --kube-api-qps (20/s), before it starts any controller. On a new cluster that is
// about three requests for each of some forty controllers: 5.5 s before the node IPAM controller
// gives the first Node its podCIDR. When the ServiceAccounts already exist, the same start takes
// one read each. Which names to create is the cluster's own RBAC bootstrap policy: every binding
// "system:controller:<name>" whose subject is the ServiceAccount kube-system/<name>, but for the
// controllers kube-controller-manager runs only when configured to (cloud ones, SELinux
// warnings), so the accounts are those a cluster kubeadm starts ends up with.

#include <string>
#include <vector>

#include "apiclient/client.h"
#include "config/types.h"

namespace kadm::clusterobjects {

// The names, sorted and unique, from a ClusterRoleBindingList and kube-system's RoleBindingList.
std::vector<std::string> controller_account_names(const apiclient::json& cluster_role_bindings,
                                                  const apiclient::json& role_bindings);

// `names` that are not in the ServiceAccountList `existing`.
std::vector<std::string> missing_accounts(const std::vector<std::string>& names,
                                          const apiclient::json& existing);

// ServiceAccount kube-system/<name>, as the controller-manager makes it (a name, nothing else).
apiclient::json controller_account(const std::string& name);

// Whether the controller-manager of `cluster` asks for a ServiceAccount per controller
// (--use-service-account-credentials, true unless an extraArg says false).
bool controller_manager_uses_accounts(const config::ClusterConfiguration& cluster);

// Reads the bindings and ServiceAccounts, then creates the missing accounts one by one (one the
// controller-manager made meanwhile counts as done). Returns how many this call created.
apiclient::ApiResult<int> create_controller_accounts(apiclient::Client& client);

}  // namespace kadm::clusterobjects
