#pragma once
// The etcd member API of a --dry-run: reads go to the real cluster when a reader could be made
// (reset reads the member list to say what it would remove); without one, a list answers with the
// members this dry run "added", started and caught up, so nothing waits. Every change is only
// said ("[dryrun] Would ...") and succeeds.

#include <memory>
#include <string>
#include <vector>

#include "etcd/members.h"

namespace kadm::etcd {

class DryRunMembers final : public EtcdMembers {
 public:
  explicit DryRunMembers(std::unique_ptr<EtcdMembers> reader = nullptr)
      : m_reader(std::move(reader)) {}

  Result<std::vector<EtcdMember>> list() override;
  Status remove(const std::string& id) override;
  Result<AddedMember> add(const std::vector<std::string>& peer_urls, bool learner) override;
  Status promote(const std::string& id) override;
  bool dry_run() const override { return true; }

 private:
  std::unique_ptr<EtcdMembers> m_reader;
  std::vector<EtcdMember> m_added;  // what this dry run pretended to add
};

}  // namespace kadm::etcd
