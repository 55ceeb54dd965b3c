#pragma once
// The cleanup-node phase: stop the kubelet, unmount what is mounted below the kubelet dir,
// stop and remove every pod sandbox through the CRI (reset/pod_sandboxes.h), then delete the
// contents of kadm's well-known directories, its kubeconfig files and the CIS profile's audit
// policy (the audit log is kept: it records what was done). Every file change is a
// plan::Action given to the Effects and every runtime change a cri::Runtime call (so --dry-run,
// with DryRunEffects and a DryRunRuntime, lists exactly this and changes nothing); every failure is
// a warning, as a best-effort revert. Never follows a symbolic link out of a well-known path: a
// well-known directory that is itself a link is skipped, links inside are removed as links.

#include <string>
#include <vector>

#include "common/error.h"
#include "cri/runtime.h"
#include "host/host.h"
#include "plan/effects.h"
#include "reset/pod_sandboxes.h"
#include "reset/well_known.h"

namespace kadm::reset {

struct CleanupOptions {
  bool cleanup_tmp_dir = false;
  std::vector<std::string> unmount_flags;  // ResetConfiguration.unmountFlags
  std::string cri_socket;                  // "" = the one the node's kubelet files name
  cri::Connector runtime;                  // reaches the runtime (a dry-run one for --dry-run)
  SandboxRemovalOptions sandbox_removal;
};

Status cleanup_node(const host::Host& host, const ResetPaths& paths, const CleanupOptions& options,
                    plan::Effects& effects);

// Empties one well-known directory (host path) unless it is missing, a symbolic link or not a
// directory; returns false when it was skipped for a reason worth a warning (logged here).
Result<bool> empty_well_known_dir(const host::Host& host, const std::string& dir,
                                  plan::Effects& effects);

}  // namespace kadm::reset
