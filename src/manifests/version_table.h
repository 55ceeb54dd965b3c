#pragma once
// What changes in kubeadm's static pods and image list from one Kubernetes minor to the next
// (spec §3, §10.1, §13), as one row of facts per supported minor. Code asks the row; it never
// compares version numbers itself.

#include <string>
#include <string_view>

#include "common/error.h"
#include "config/version.h"

namespace kadm::manifests {

// Which flag names etcd gets for the corruption check and watch progress notifications.
enum class EtcdFlagStyle {
  None,          // etcd 3.4 era: neither flag
  Experimental,  // etcd 3.5: --experimental-initial-corrupt-check, --experimental-watch-...
  FeatureGate,   // etcd >= 3.6: --feature-gates=InitialCorruptCheck=true, --watch-...
};

// Which endpoints the etcd probes use.
enum class EtcdProbeStyle {
  Health,              // liveness + startup /health, no readiness
  HealthSerializable,  // liveness /health?exclude=NOSPACE&serializable=true, startup
                       // /health?serializable=false, no readiness
  LivezReadyz,         // liveness /livez, readiness + startup /readyz
};

// How user extraArgs are merged into the default command line.
enum class ExtraArgsOrder {
  // Defaults and user args together, sorted by name, then value (kubeadm before the fix below).
  SortedByNameThenValue,
  // Defaults sorted by name, then the user's args in the user's order (kubeadm PR 135400:
  // 1.36+ and the patch releases of 1.32-1.35 published after it).
  DefaultsSortedThenUserOrder,
};

// Where the image list puts pause and etcd relative to CoreDNS.
enum class ImageOrder {
  PauseEtcdCoreDNS,  // v1.20: ..., kube-proxy, pause, etcd, coredns
  CoreDNSPauseEtcd,  // later: ..., kube-proxy, coredns, pause, etcd
};

struct VersionRow {
  int minor = 0;
  std::string_view etcd_tag;     // e.g. "3.4.13-0"
  std::string_view coredns_tag;  // e.g. "1.7.0", "v1.11.3"
  std::string_view pause_tag;    // e.g. "3.2"
  // The default registry keeps CoreDNS under "<repo>/coredns/coredns" (custom repos never do).
  bool coredns_nested_under_default_repo = true;
  ImageOrder image_order = ImageOrder::CoreDNSPauseEtcd;

  bool apiserver_insecure_port_zero = false;  // --insecure-port=0
  bool kcm_scheduler_port_zero = false;       // --port=0 on controller-manager and scheduler
  bool pod_priority = true;                   // spec.priority: 2000001000
  bool seccomp_runtime_default = true;        // spec.securityContext.seccompProfile
  bool creation_timestamp_null = false;       // metadata.creationTimestamp: null
  bool named_probe_port = false;              // probes use port "probe-port" + container ports
  bool scheduler_livez_readyz = true;         // else /healthz liveness+startup, no readiness
  EtcdProbeStyle etcd_probes = EtcdProbeStyle::LivezReadyz;
  bool etcd_resource_requests = true;  // else resources: {}
  EtcdFlagStyle etcd_flags = EtcdFlagStyle::FeatureGate;
  // CA trust: /etc/pki/ca-trust + /etc/pki/tls/certs (true) or the whole /etc/pki (false).
  bool split_etc_pki = true;
  ExtraArgsOrder extra_args_order = ExtraArgsOrder::DefaultsSortedThenUserOrder;
  // controller-manager mounts the FlexVolume plugin dir (read-write) as "flexvolume-dir".
  bool kcm_flexvolume_dir = false;
};

inline constexpr int kOldestSupportedMinor = 20;
inline constexpr int kNewestSupportedMinor = 37;

// The row for `v`: the row of its minor or, if the table has none, of the nearest lower minor.
// Versions outside v1.20 ... v1.37 are a Validation error naming the supported range.
Result<VersionRow> version_row(const config::KubeVersion& v);
// Same, from text such as "v1.20.9"; unresolved labels ("stable-1") are rejected.
Result<VersionRow> version_row(std::string_view version_text);

}  // namespace kadm::manifests
