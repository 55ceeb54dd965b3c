#pragma once
// Adding this host to a stacked etcd cluster (spec §3.6): announce the member (as a learner
// when EtcdLearnerMode is on), then — once its manifest is written and it has started — wait
// for it to catch up and promote it to a voting member.

#include <string>
#include <vector>

#include "apiclient/clock.h"
#include "common/duration.h"
#include "common/error.h"
#include "etcd/members.h"
#include "manifests/pod_specs.h"

namespace kadm::join {

struct AnnouncedMember {
  std::string id;
  bool learner = false;
  std::vector<manifests::EtcdMember> initial_cluster;  // every member, this one included
};

// Adds the member with `peer_url` unless it is already a member (a re-run), and returns the
// --initial-cluster list with this member named `name`.
Result<AnnouncedMember> announce_member(etcd::EtcdMembers& members, const std::string& name,
                                        const std::string& peer_url, bool learner);

struct PromoteOptions {
  Duration timeout{120000};
  Duration interval{500};
  apiclient::Clock* clock = nullptr;  // null: the real clock
};

// Waits until the member `id` has started and etcd accepts its promotion (it refuses while the
// learner is behind the leader), polling briefly; a voting member already is done.
Status promote_when_ready(etcd::EtcdMembers& members, const std::string& id,
                          const PromoteOptions& options);

// Every member has started (a member announced but never started makes the cluster fragile).
Status check_members_started(const std::vector<etcd::EtcdMember>& members);

}  // namespace kadm::join
