#pragma once
// The one API client of the init phases that talk to the cluster (upload-config ... addon).

#include <string>

#include "apiclient/client.h"
#include "init/init_data.h"

namespace kadm::init {

// The client of this init run, made on first use: from admin.conf through the run
// environment's API connector (a DryRunClient with --dry-run). On creation it ensures the
// ClusterRoleBinding kubeadm:cluster-admins (spec §2) so admin.conf is allowed to do the rest.
// If start_api_client made it, waits for that; if that failed, makes it again here (the control
// plane was still starting then).
Result<apiclient::Client*> api_client(InitData& data);

// wait-control-plane, when kube-apiserver first answers: begins making api_client()'s client in
// the background while the wait goes on, when the run goes on to the API phases
// (data.api_wanted). kube-apiserver's post-start hooks take about 2 s after it first answers
// (RBAC's default roles among them); creating the binding with super-admin.conf needs none of
// them, and admin.conf's first call waits for the role cluster-admin (RbacBootstrapRetry), so
// upload-config no longer spends 0.1 s on this after the wait. Once per run; any thread that does
// not race the main thread (the wait's own poll threads, joined before it returns).
void start_api_client(InitData& data);

// create_or_update of each object, as one logical step per object.
Status apply_objects(apiclient::Client& client, const std::vector<apiclient::json>& objects);

}  // namespace kadm::init
