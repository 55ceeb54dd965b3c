#pragma once
// The etcd member API (a seam): list, remove, add and promote members of an etcd cluster. The
// real client is etcd's v3 HTTP/JSON gateway (etcd/gateway.h); --dry-run uses DryRunMembers
// (etcd/dry_run_members.h), which reads the members and changes nothing. Shared by reset (remove
// this node's member) and control-plane join (add, promote).

#include <string>
#include <vector>

#include "common/error.h"

namespace kadm::etcd {

struct EtcdMember {
  std::string id;  // decimal uint64, as etcd's JSON gateway writes it
  std::string name;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls = {};  // empty until the member has started
  bool is_learner = false;
};

/// What etcd answers to a member add: the new member and every member after the add.
struct AddedMember {
  EtcdMember member;
  std::vector<EtcdMember> members;
};

class EtcdMembers {
 public:
  virtual ~EtcdMembers() = default;
  virtual Result<std::vector<EtcdMember>> list() = 0;
  virtual Status remove(const std::string& id) = 0;
  // Joining a member (control-plane join); clients that only remove need not implement them.
  virtual Result<AddedMember> add(const std::vector<std::string>& peer_urls, bool learner) {
    (void)peer_urls;
    (void)learner;
    return fail(ErrorKind::General, "this etcd client cannot add members");
  }
  virtual Status promote(const std::string& id) {
    (void)id;
    return fail(ErrorKind::General, "this etcd client cannot promote members");
  }
  // True for a stand-in that never changes the cluster (--dry-run): callers word their report
  // as "would" instead of "did"; the calls themselves are the same.
  virtual bool dry_run() const { return false; }
};

}  // namespace kadm::etcd
