#pragma once
// The one API client of the init phases that talk to the cluster (upload-config ... addon).

#include <string>

#include "apiclient/client.h"
#include "init/init_data.h"

namespace kadm::init {

// The client of this init run, made on first use: from admin.conf through the run
// environment's API connector (a DryRunClient with --dry-run). On creation it ensures the
// ClusterRoleBinding kubeadm:cluster-admins (spec §2) so admin.conf is allowed to do the rest.
Result<apiclient::Client*> api_client(InitData& data);

// create_or_update of each object, as one logical step per object.
Status apply_objects(apiclient::Client& client, const std::vector<apiclient::json>& objects);

}  // namespace kadm::init
