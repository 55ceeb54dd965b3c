#pragma once
// The run data of the join workflow. Discovery runs lazily, once, the first time a phase needs
// the cluster (so `kadm join phase preflight` does not contact it).

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certs/pki_state.h"
#include "config/profile.h"
#include "config/types.h"
#include "host/host.h"
#include "join/discovery.h"
#include "patches/patches.h"
#include "plan/effects.h"
#include "preflight/deferred_pull.h"
#include "runenv/environment.h"

namespace kadm::join {

// Who turns the bootstrap token into kubelet credentials.
enum class TlsBootstrapMode {
  Direct,   // kadm sends the CSR itself and writes kubelet.conf (no kubelet needed to join)
  Kubelet,  // kubeadm's way: bootstrap-kubelet.conf, start the kubelet, wait for kubelet.conf
};

struct JoinOptions {
  std::vector<std::string> ignore_preflight_errors;
  // Repair what preflight finds before checking (as `kadm init --fix`).
  bool fix_preflight = false;
  std::filesystem::path kubeconfig_dir = "/etc/kubernetes";
  std::filesystem::path kubelet_dir = "/var/lib/kubelet";
  TlsBootstrapMode tls_bootstrap = TlsBootstrapMode::Direct;
  Duration signature_grace{15000};
  Duration poll_interval{250};
};

struct JoinData {
  config::JoinConfiguration cfg;
  config::Profile profile = config::Profile::Default;  // kadm's --profile / KadmConfiguration
  JoinOptions options;
  std::unique_ptr<plan::Effects> effects;
  std::unique_ptr<host::Host> host;
  // The API, etcd and CRI connectors, the clock and the health wait (dry-run ones for --dry-run).
  runenv::Connectors connect;
  std::ostream* out = nullptr;
  std::optional<DiscoveredCluster> discovered;
  // Control-plane join: this node's InitConfiguration (the cluster's ClusterConfiguration plus
  // this node's registration and endpoint), built once by control_plane_config().
  std::optional<config::InitConfiguration> control_plane_cfg;
  certs::PkiState pki;
  // Start early: the selected certs/kubeconfig steps of a control-plane join want their keys
  // made as soon as this node's configuration is known (start_control_plane_keys).
  bool control_plane_keys_wanted = false;
  // --patches / patches.directory, read before any phase. The targets come from the cluster,
  // so each phase applies its patches before it writes (static Pods: when the control-plane
  // configuration is first built).
  std::optional<patches::PatchSet> patches;

  // Control-plane join: the later images the selected steps wait for (join/later_images.h, their
  // prepare hooks); preflight pulls them in the background, into deferred_pull.
  struct {
    bool controllers = false;
    bool addons = false;
  } later_images_wanted;
  // Last member: its destructor waits for the pull, which uses `host`.
  std::shared_ptr<preflight::DeferredPull> deferred_pull;

  const patches::PatchSet* patch_set() const { return patches ? &*patches : nullptr; }

  // Runs discovery the first time.
  Result<const DiscoveredCluster*> cluster() {
    if (!discovered) {
      DiscoveryOptions o;
      o.timeout = cfg.timeouts.discovery.count() > 0 ? cfg.timeouts.discovery : Duration{300000};
      o.signature_grace = options.signature_grace;
      o.poll_interval = options.poll_interval;
      discovered = KADM_TRY(discover(cfg.discovery, o));
    }
    return &*discovered;
  }
};

}  // namespace kadm::join
