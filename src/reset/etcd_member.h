#pragma once
// Removing this node's member from a stacked etcd: what the local etcd manifest says about the
// member (peer URL, data dir, client endpoint), a small member API, and the decision logic.

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::reset {

struct EtcdManifestFacts {
  std::vector<std::string> peer_urls;                 // --initial-advertise-peer-urls
  std::string data_dir;                               // the etcd-data hostPath, else --data-dir
  std::string client_url = "https://127.0.0.1:2379";  // a loopback --listen-client-urls entry
};

/// Reads the etcd static pod manifest; a Validation error when it is not a pod with an etcd
/// command.
Result<EtcdManifestFacts> parse_etcd_manifest(std::string_view yaml);

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
};

enum class MemberOutcome { Removed, WouldRemove, OnlyMember, NotAMember };

/// Finds the member owning one of `peer_urls` and removes it unless it is the only member.
/// With `dry_run` the member list is read but nothing is removed.
Result<MemberOutcome> remove_local_member(EtcdMembers& members,
                                          const std::vector<std::string>& peer_urls, bool dry_run,
                                          std::string* member_id = nullptr);

/// The etcdctl command a user runs to remove the member by hand.
std::string manual_remove_command(std::string_view cert_dir, std::string_view client_url,
                                  std::string_view member_id);

}  // namespace kadm::reset
