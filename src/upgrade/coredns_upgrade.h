#pragma once
// CoreDNS in an upgrade (spec-upgrade §2.3 step 2, §2.9): apply's preflight checks that the
// cluster's Corefile can move to the CoreDNS release the target deploys (CoreDNSUnsupportedPlugins,
// CoreDNSMigration), and the addon phase keeps, replaces or migrates the Corefile the way kubeadm
// does before it applies the new CoreDNS objects.

#include <string>
#include <vector>

#include "common/error.h"
#include "preflight/check.h"
#include "upgrade/upgrade_data.h"

namespace kadm::upgrade {

// What runs now and what the upgrade deploys.
struct CoreDnsState {
  bool deployed = false;  // the coredns ConfigMap exists (its Corefile below)
  std::string corefile;
  std::string from;  // the Deployment's CoreDNS release, without "v" ("1.13.1")
  std::string to;    // the target's ("1.14.6")
  // The Corefiles kadm writes by default for the cluster's release and the target's.
  std::vector<std::string> defaults;
};

enum class CorefileHandling {
  WriteDefault,    // none yet, or kadm's default: the target's default replaces it
  Keep,            // the user's, and the new CoreDNS reads it as it is
  Migrate,         // the user's, with something the new CoreDNS no longer accepts
  KeepUnmigrated,  // Migrate failed (its preflight check was ignored): ConfigMap and Deployment
                   // stay as they are
};

struct CorefileDecision {
  CorefileHandling how = CorefileHandling::WriteDefault;
  std::string migrated;  // Migrate: the new Corefile
  std::string reason;    // Migrate: what changed; KeepUnmigrated: why not
};

// Pure: what the addon phase does with the cluster's Corefile.
CorefileDecision decide_corefile(const CoreDnsState& state);

Result<CoreDnsState> read_coredns_state(UpgradeData& d);

// CoreDNSUnsupportedPlugins and CoreDNSMigration, for apply's preflight.
std::vector<preflight::Check> coredns_checks(UpgradeData& d);

// The addon/coredns phase once the addons may move: the Corefile as decided, then the objects.
Status upgrade_coredns_addon(UpgradeData& d);

}  // namespace kadm::upgrade
