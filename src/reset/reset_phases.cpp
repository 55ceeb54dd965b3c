#include "reset/reset_phases.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <ostream>

#include "common/constants.h"
#include "preflight/checks.h"
#include "preflight/run_checks.h"
#include "reset/cleanup_node.h"
#include "reset/confirm.h"

namespace kadm::reset {

namespace {

using Phase = workflow::Phase<ResetData>;

Phase preflight_phase() {
  Phase p;
  p.name = "preflight";
  p.short_help = "Run reset pre-flight checks";
  p.long_help = "Ask for confirmation (unless --force) and check that reset runs as root.";
  p.run = [](ResetData& d) -> Status {
    if (!d.options.force) KADM_TRY(confirm_reset(*d.in, *d.out));
    auto ignore = KADM_TRY(preflight::parse_ignore_list(d.options.ignore_preflight_errors, *d.out));
    auto report = preflight::run_checks({preflight::is_privileged_user()}, *d.host, ignore, *d.out);
    return preflight::to_status(report);
  };
  return p;
}

// A data dir read from a manifest is emptied only when it looks like a data dir at all.
bool plausible_data_dir(const std::string& dir) {
  std::filesystem::path p(dir);
  if (!p.is_absolute() || p.lexically_normal() != p) return false;
  return std::distance(p.begin(), p.end()) >= 3;  // "/", "var", "lib"...: never "/" or "/var"
}

void remove_member(ResetData& d, const EtcdManifestFacts& facts) {
  std::string id;
  auto outcome = [&]() -> Result<MemberOutcome> {
    auto client = KADM_TRY(d.connect.etcd(
        facts.client_url, d.host->real_path(d.paths.cert_dir.string()), "etcd/healthcheck-client"));
    return remove_local_member(*client, facts.peer_urls, &id);
  }();
  if (!outcome) {
    spdlog::warn("[reset] Failed to remove this node's etcd member: {}", outcome.error().text());
    spdlog::warn("[reset] Remove it by hand from a healthy member with: {}",
                 manual_remove_command(d.paths.cert_dir.string(), facts.client_url, id));
    return;
  }
  switch (*outcome) {
    case MemberOutcome::Removed:
      spdlog::info("[reset] Removed etcd member {} from the cluster", id);
      break;
    case MemberOutcome::WouldRemove:  // the dry-run member client said so
      break;
    case MemberOutcome::OnlyMember:
      spdlog::info("[reset] This node is the only etcd member ({}); there is no cluster to leave",
                   id);
      break;
    case MemberOutcome::NotAMember:
      spdlog::info("[reset] No etcd member has this node's peer URL; nothing to remove");
      break;
  }
}

Phase remove_etcd_member_phase() {
  Phase p;
  p.name = "remove-etcd-member";
  p.short_help = "Remove a local etcd member.";
  p.long_help = "Remove this node's member from a stacked etcd cluster and empty its data dir.";
  p.run = [](ResetData& d) -> Status {
    const std::string manifest = d.paths.etcd_manifest().string();
    if (!d.host->exists(manifest)) {
      spdlog::info("[reset] No etcd manifest at {}; assuming external etcd", manifest);
      spdlog::info("[reset] Reset that etcd by hand so it forgets this node");
      return {};
    }
    auto text = KADM_TRY(d.host->read_file(manifest));
    auto facts = parse_etcd_manifest(text);
    if (!facts) {
      spdlog::warn("[reset] {}: {}; the etcd member and data were left as they are", manifest,
                   facts.error().text());
      return {};
    }
    remove_member(d, *facts);
    spdlog::info("[reset] Using the etcd pod spec to find the data directory");
    if (!plausible_data_dir(facts->data_dir)) {
      spdlog::warn("[reset] The etcd data dir \"{}\" in {} is not a plausible data dir; left as is",
                   facts->data_dir, manifest);
      return {};
    }
    spdlog::info("[reset] Deleting contents of the etcd data directory: {}", facts->data_dir);
    if (auto emptied = empty_well_known_dir(*d.host, facts->data_dir, *d.effects); !emptied) {
      spdlog::warn("[reset] Failed to delete the contents of {}: {}", facts->data_dir,
                   emptied.error().text());
    }
    return {};
  };
  return p;
}

Phase cleanup_node_phase() {
  Phase p;
  p.name = "cleanup-node";
  p.short_help = "Run cleanup node.";
  p.long_help =
      "Stop the kubelet, unmount below the kubelet dir, stop and remove every pod sandbox through "
      "the CRI and delete what kadm wrote to this node.";
  p.run = [](ResetData& d) -> Status {
    CleanupOptions o;
    o.cleanup_tmp_dir = d.options.cleanup_tmp_dir;
    o.unmount_flags = d.options.unmount_flags;
    o.cri_socket = d.options.cri_socket;
    o.runtime = d.connect.cri;
    return cleanup_node(*d.host, d.paths, o, *d.effects);
  };
  return p;
}

}  // namespace

std::vector<workflow::Phase<ResetData>> reset_phases() {
  return {preflight_phase(), remove_etcd_member_phase(), cleanup_node_phase()};
}

void print_leftovers(std::ostream& out) {
  out << "\nkadm reset leaves the following as they are; remove them yourself if you need to:\n";
  for (const auto& item : leftovers()) {
    out << "  - " << item.what << ":\n      " << item.command << "\n";
  }
}

}  // namespace kadm::reset
