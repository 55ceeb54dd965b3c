#include "join/etcd_join.h"

#include <algorithm>

namespace kadm::join {

namespace {

bool owns_peer_url(const etcd::EtcdMember& m, const std::string& peer_url) {
  return std::ranges::find(m.peer_urls, peer_url) != m.peer_urls.end();
}

std::vector<manifests::EtcdMember> initial_cluster(const std::vector<etcd::EtcdMember>& members,
                                                   const std::string& name,
                                                   const std::string& peer_url) {
  std::vector<manifests::EtcdMember> out;
  for (const auto& m : members) {
    if (owns_peer_url(m, peer_url)) {
      out.push_back({name, peer_url});
      continue;
    }
    // A member that has not started has no name yet; it cannot be listed in --initial-cluster.
    if (m.name.empty() || m.peer_urls.empty()) continue;
    for (const auto& url : m.peer_urls) out.push_back({m.name, url});
  }
  return out;
}

}  // namespace

Result<AnnouncedMember> announce_member(etcd::EtcdMembers& members, const std::string& name,
                                        const std::string& peer_url, bool learner) {
  auto current = KADM_TRY_CTX(members.list(), "listing the etcd members");
  for (const auto& m : current) {
    if (owns_peer_url(m, peer_url)) {
      return AnnouncedMember{m.id, m.is_learner, initial_cluster(current, name, peer_url)};
    }
  }
  auto added = KADM_TRY_CTX(members.add({peer_url}, learner), "adding the etcd member " + peer_url);
  auto all = added.members;
  if (std::ranges::none_of(all, [&](const auto& m) { return owns_peer_url(m, peer_url); })) {
    all.push_back(added.member);
  }
  return AnnouncedMember{added.member.id, learner, initial_cluster(all, name, peer_url)};
}

Status promote_when_ready(etcd::EtcdMembers& members, const std::string& id,
                          const PromoteOptions& options) {
  auto& clock = options.clock ? *options.clock : apiclient::real_clock();
  const auto deadline = clock.now() + options.timeout;
  std::string last = "not started yet";
  for (;;) {
    auto list = members.list();
    if (list) {
      auto it = std::ranges::find_if(*list, [&](const auto& m) { return m.id == id; });
      if (it == list->end()) {
        return fail(ErrorKind::NotFound, "the etcd member " + id + " is no longer in the cluster");
      }
      if (!it->is_learner) return {};
      if (it->name.empty()) {
        last = "the learner has not started";
      } else {
        auto promoted = members.promote(id);
        if (promoted) return {};
        last = promoted.error().message();
      }
    } else {
      last = list.error().message();
    }
    if (clock.now() >= deadline) {
      return fail(ErrorKind::Timeout, "the etcd learner " + id + " was not promoted within " +
                                          format_duration(options.timeout) + " (" + last +
                                          "); check the local etcd's log");
    }
    clock.sleep_for(options.interval);
  }
}

Status check_members_started(const std::vector<etcd::EtcdMember>& members) {
  std::vector<std::string> waiting;
  for (const auto& m : members) {
    if (m.name.empty() || m.client_urls.empty()) {
      waiting.push_back(m.peer_urls.empty() ? m.id : m.peer_urls.front());
    }
  }
  if (waiting.empty()) return {};
  std::string list;
  for (const auto& w : waiting) list += (list.empty() ? "" : ", ") + w;
  return fail(ErrorKind::Validation,
              "the etcd cluster is not healthy: member(s) " + list +
                  " were added but never started; start them or remove them before joining "
                  "another control-plane node");
}

}  // namespace kadm::join
