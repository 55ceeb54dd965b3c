#pragma once
// Removing this node's member from a stacked etcd: what the local etcd manifest says about the
// member (peer URL, data dir, client endpoint) and the decision logic over the etcd member API.

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "etcd/members.h"

namespace kadm::reset {

struct EtcdManifestFacts {
  std::vector<std::string> peer_urls;                 // --initial-advertise-peer-urls
  std::string data_dir;                               // the etcd-data hostPath, else --data-dir
  std::string client_url = "https://127.0.0.1:2379";  // a loopback --listen-client-urls entry
};

/// Reads the etcd static pod manifest; a Validation error when it is not a pod with an etcd
/// command.
Result<EtcdManifestFacts> parse_etcd_manifest(std::string_view yaml);

enum class MemberOutcome { Removed, WouldRemove, OnlyMember, NotAMember };

/// Finds the member owning one of `peer_urls` and removes it unless it is the only member.
/// A dry-run member client (etcd::DryRunMembers) only says what it would remove: WouldRemove.
Result<MemberOutcome> remove_local_member(etcd::EtcdMembers& members,
                                          const std::vector<std::string>& peer_urls,
                                          std::string* member_id = nullptr);

/// The etcdctl command a user runs to remove the member by hand.
std::string manual_remove_command(std::string_view cert_dir, std::string_view client_url,
                                  std::string_view member_id);

}  // namespace kadm::reset
