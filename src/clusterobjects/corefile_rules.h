#pragma once
// What changed in the Corefile between the CoreDNS releases kadm deploys (v1.7.0 for Kubernetes
// v1.20 ... v1.14.6 for v1.37), as data: which plugins and options each release knows, and the
// ones a release ignores or removed with what the migration does about them. Read from the
// kubernetes-sigs corefile-migration rules (coredns/corefile-migration, migration/versions.go and
// plugins.go, newest release there v1.14.2); corefile_migration.h walks it.

#include <span>
#include <string_view>

namespace kadm::clusterobjects {

enum class CorefileStatus {
  Known,    // the migration knows it and leaves it as it is
  Ignored,  // CoreDNS accepts it and ignores it
  Removed,  // CoreDNS refuses to start with it
};

enum class CorefileAction {
  None,
  RemoveOption,
  FirstArgumentOnly,
  // The kubernetes plugin's "transfer to ..." becomes a "transfer <zone> { to ... }" plugin in
  // the same server block (CoreDNS v1.8.0 moved zone transfers into their own plugin).
  MoveToTransferPlugin,
};

struct CorefileRule {
  std::string_view plugin;
  std::string_view option;  // "" = the plugin itself; a regular expression when `pattern`
  std::string_view since;   // the first release the row holds for
  std::string_view until;   // the last one ("" = every later release)
  CorefileStatus status = CorefileStatus::Known;
  CorefileAction action = CorefileAction::None;
  bool pattern = false;
};

// The releases a migration steps through, oldest first: a migration from A to B applies the rows
// of every release after A up to B.
std::span<const std::string_view> corefile_releases();
std::span<const CorefileRule> corefile_rules();

}  // namespace kadm::clusterobjects
