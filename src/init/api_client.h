#pragma once
// The one API client of the init phases that talk to the cluster (upload-config ... addon).

#include <string>

#include "apiclient/client.h"
#include "init/init_data.h"

namespace kadm::init {

// Answers writes with the object sent (plus a placeholder uid) after printing
// "[dryrun] Would create/update <kind> <ns>/<name>" — never the data — and reads with NotFound,
// except Nodes, which a dry run pretends exist so mark-control-plane can show its patch.
class DryRunClient final : public apiclient::Client {
 public:
  apiclient::ApiResult<apiclient::json> send(const apiclient::Request& request) override;
};

// The client of this init run, made on first use: from admin.conf (or DryRunClient with
// --dry-run). On creation it ensures the ClusterRoleBinding kubeadm:cluster-admins (spec §2) so
// admin.conf is allowed to do the rest.
Result<apiclient::Client*> api_client(InitData& data);

// create_or_update of each object, as one logical step per object.
Status apply_objects(apiclient::Client& client, const std::vector<apiclient::json>& objects);

}  // namespace kadm::init
