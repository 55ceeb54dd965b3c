#pragma once
// The run data of the init workflow: built once from flags and config, then shared by every
// phase through a typed reference (no casts, no globals).

#include <filesystem>
#include <future>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "certs/pki_state.h"
#include "config/profile.h"
#include "config/types.h"
#include "config/version.h"
#include "host/host.h"
#include "patches/patches.h"
#include "plan/effects.h"
#include "plan/undoable_effects.h"
#include "preflight/deferred_pull.h"
#include "runenv/environment.h"

namespace kadm::init {

struct InitOptions {
  bool upload_certs = false;
  bool skip_token_print = false;
  bool skip_certificate_key_print = false;
  std::vector<std::string> ignore_preflight_errors;
  // Repair what preflight finds (swap, SELinux, br_netfilter, sysctls, hostname) before checking.
  bool fix_preflight = false;
  std::filesystem::path kubeconfig_dir = "/etc/kubernetes";
  std::filesystem::path kubelet_dir = "/var/lib/kubelet";
};

struct InitData {
  config::InitConfiguration cfg;
  config::Profile profile = config::Profile::Default;  // already applied to cfg
  config::KubeVersion version;
  InitOptions options;
  std::unique_ptr<plan::Effects> effects;
  std::unique_ptr<host::Host> host;
  // The API, etcd and CRI connectors, the clock and the health wait (dry-run ones for --dry-run).
  runenv::Connectors connect;
  certs::PkiState pki;
  // Where human-readable phase output goes (stdout, or stderr with --output json).
  std::ostream* out = nullptr;
  // The API client of the phases after wait-control-plane: made once, on first use, by
  // init::api_client() (admin.conf, or a dry-run client that never contacts the cluster).
  std::unique_ptr<apiclient::Client> api;
  // The upload-certs key once resolved (flag/config or generated). Secret: never logged.
  std::string certificate_key;
  // Whether systemd-resolved runs here (the kubelet's resolvConf), asked once per run: every
  // phase that renders the KubeletConfiguration needs it.
  std::optional<bool> systemd_resolved;
  // --patches / patches.directory, read (and checked against every target) before any phase.
  std::optional<patches::PatchSet> patches;

  // Images later phases of this run need, by preflight::LaterImages (init/image_waits.h), filled by
  // those phases' prepare hooks: preflight pulls them in the background, into deferred_pull, and
  // each phase awaits its group.
  std::vector<preflight::DeferredGroup> deferred_images;
  // `effects` while it remembers how to take back what the run does: from preflight's end until
  // LaterImages::Start is in (init/image_waits.h); null otherwise.
  plan::UndoableEffects* undo = nullptr;
  // Set by the first API phase's prepare hook: the run goes on to the API phases, so
  // wait-control-plane may begin making `api` once kube-apiserver answers (init/api_client.h).
  bool api_wanted = false;
  // `api` being made meanwhile; api_client() takes it. Its destructor waits for the task, which
  // reads the members above.
  std::future<Result<std::unique_ptr<apiclient::Client>>> early_api;
  // The controller-manager's ServiceAccounts being created (init/controller_accounts.h): what it
  // did, in words. The task owns its client; this future's destructor waits for it.
  std::future<std::string> controller_accounts;
  // Last member: its destructor waits for the pull, which uses `host`.
  std::shared_ptr<preflight::DeferredPull> deferred_pull;

  const patches::PatchSet* patch_set() const { return patches ? &*patches : nullptr; }

  std::filesystem::path manifests_dir() const { return options.kubeconfig_dir / "manifests"; }
  std::filesystem::path admin_conf() const { return options.kubeconfig_dir / "admin.conf"; }
};

}  // namespace kadm::init
