#include "upgrade/etcd_recovery.h"

#include <spdlog/spdlog.h>

namespace kadm::upgrade {

namespace {

// true when etcd's health endpoint answered 200 within the tries.
bool answers_within(const EtcdRecovery& r, staticpod::Probe& probe, apiclient::Clock& clock) {
  for (int i = 0; i < r.tries; ++i) {
    if (probe.health(r.health_url)) return true;
    if (i + 1 < r.tries) clock.sleep_for(r.interval);
  }
  return false;
}

// true when etcd stopped answering within the tries (the kubelet removed the pod).
bool stops_within(const EtcdRecovery& r, staticpod::Probe& probe, apiclient::Clock& clock) {
  for (int i = 0; i < r.tries; ++i) {
    if (!probe.health(r.health_url)) return true;
    clock.sleep_for(r.interval);
  }
  return false;
}

std::string where(const EtcdRecovery& r) {
  return "the data before the upgrade is kept in \"" + r.data_backup.string() +
         "\" and the manifest in the backup dir";
}

}  // namespace

Result<EtcdRecovered> recover_etcd(const EtcdRecovery& r, plan::Effects& effects,
                                   staticpod::Probe& probe, apiclient::Clock& clock) {
  spdlog::info("[upgrade/etcd] Waiting for previous etcd to become available");
  if (answers_within(r, probe, clock)) {
    spdlog::info("[upgrade/etcd] Etcd was rolled back and is now available");
    return EtcdRecovered::AnsweredAgain;
  }
  spdlog::info("[upgrade/etcd] Rolling back etcd data");
  KADM_TRY_CTX(effects.apply(plan::RemoveFile{r.manifest}), "stopping etcd to restore its data");
  if (!stops_within(r, probe, clock)) {
    return fail(ErrorKind::Timeout, "etcd kept answering at " + r.health_url +
                                        " after its manifest was removed, so "
                                        "its data was not touched; " +
                                        where(r));
  }
  const auto staged = r.data_dir.string() + ".kadm-restore";
  for (const auto& step : std::vector<plan::RunCommand>{
           {{"rm", "-rf", staged}, "clear a restore left by an earlier run"},
           {{"cp", "-a", r.data_backup.string(), staged}, "stage the etcd data backup"},
           {{"rm", "-rf", r.data_dir.string()}, "drop the etcd data the upgrade left"},
           {{"mv", staged, r.data_dir.string()}, "put the etcd data backup in place"}}) {
    KADM_TRY_CTX(effects.apply(step), "rolling back the etcd data; " + where(r));
  }
  KADM_TRY_CTX(effects.apply(plan::WriteFile{r.manifest, r.old_manifest, 0600}),
               "restarting etcd on its restored data");
  spdlog::info("[upgrade/etcd] Etcd data rollback successful");
  if (!answers_within(r, probe, clock)) {
    return fail(ErrorKind::Timeout, "etcd did not answer at " + r.health_url +
                                        " after its data was rolled back; " + where(r));
  }
  spdlog::info("[upgrade/etcd] Etcd was rolled back and is now available");
  return EtcdRecovered::DataRolledBack;
}

}  // namespace kadm::upgrade
