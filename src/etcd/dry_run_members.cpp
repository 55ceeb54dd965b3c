#include "etcd/dry_run_members.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/strings.h"

namespace kadm::etcd {

namespace {

constexpr const char* kDryRunMemberId = "0";

}  // namespace

Result<std::vector<EtcdMember>> DryRunMembers::list() {
  std::vector<EtcdMember> members;
  if (m_reader) {
    members = KADM_TRY(m_reader->list());
  } else {
    spdlog::info("[dryrun] Would list the etcd members through the existing control plane");
  }
  members.insert(members.end(), m_added.begin(), m_added.end());
  return members;
}

Status DryRunMembers::remove(const std::string& id) {
  spdlog::info("[dryrun] Would remove etcd member {} from the cluster", id);
  std::erase_if(m_added, [&](const EtcdMember& m) { return m.id == id; });
  return {};
}

Result<AddedMember> DryRunMembers::add(const std::vector<std::string>& peer_urls, bool learner) {
  spdlog::info("[dryrun] Would add etcd member {}{}", str::join(peer_urls, ","),
               learner ? " as a learner" : "");
  // Answered as if the member had started at once: a dry run has nothing to wait for.
  EtcdMember added{.id = kDryRunMemberId,
                   .name = "dry-run",
                   .peer_urls = peer_urls,
                   .client_urls = {"https://127.0.0.1:2379"},
                   .is_learner = learner};
  m_added.push_back(added);
  auto members = KADM_TRY(list());
  return AddedMember{added, members};
}

Status DryRunMembers::promote(const std::string& id) {
  spdlog::info("[dryrun] Would promote etcd learner {} to a voting member", id);
  for (auto& m : m_added) {
    if (m.id == id) m.is_learner = false;
  }
  return {};
}

}  // namespace kadm::etcd
