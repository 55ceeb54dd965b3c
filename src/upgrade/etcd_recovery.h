#pragma once
// What kubeadm does after a failed etcd upgrade (spec-upgrade §2.5 steps 5-6): the failed
// rollout has put the old manifest back; if the old etcd still does not answer, its data dir is
// restored from the copy taken before the upgrade and etcd is started again on it.

#include <filesystem>
#include <string>

#include "apiclient/clock.h"
#include "common/duration.h"
#include "common/error.h"
#include "plan/effects.h"
#include "staticpod/rollout.h"

namespace kadm::upgrade {

struct EtcdRecovery {
  std::filesystem::path manifest;                // /etc/kubernetes/manifests/etcd.yaml
  std::string old_manifest;                      // the manifest etcd ran before the upgrade
  std::filesystem::path data_dir;                // etcd.local.dataDir
  std::filesystem::path data_backup;             // the copy taken before the upgrade
  std::string health_url;                        // etcd's liveness probe, from the old manifest
  int tries = 10;                                // kubeadm: 10 tries...
  Duration interval = std::chrono::seconds(15);  // ...15 s apart
};

enum class EtcdRecovered { AnsweredAgain, DataRolledBack };

// Waits for the old etcd; when it does not answer within the tries, stops it (the manifest goes),
// swaps the data dir for the backup (copy beside it first, so a crash leaves the backup whole),
// puts the old manifest back and waits again. An error says what did not come back and where
// the backup is.
Result<EtcdRecovered> recover_etcd(const EtcdRecovery& r, plan::Effects& effects,
                                   staticpod::Probe& probe, apiclient::Clock& clock);

}  // namespace kadm::upgrade
