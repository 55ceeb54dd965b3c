#pragma once
// Replacing or restarting one control-plane static pod, and proving that the kubelet runs the new
// instance (kubeadm's per-component upgrade flow, spec-upgrade §2.4 and §2.6). Shared by
// `kadm certs renew` (restart: the same manifest, so the component reads its renewed
// certificates) and `kadm upgrade apply` / `upgrade node` (replace: a new manifest).
//
// Interface (stable; both callers build on it):
//
//   auto dir = staticpod::backup_dir("/etc/kubernetes", std::chrono::system_clock::now());
//   staticpod::RolloutRequest req;
//   req.component = "kube-apiserver";
//   req.node_name = "cp1";
//   req.backup_dir = dir;
//   req.new_manifest = yaml;  // or leave it unset: restart the current manifest
//   staticpod::Seams seams{effects, api_client, probe, apiclient::real_clock()};
//   Result<staticpod::RolloutReport> r = staticpod::roll_out(req, seams);
//   // later, if a following component fails (kubeadm rolls back every component so far):
//   staticpod::restore_from_backup(req, seams);
//
// What roll_out does, every write through plan::Effects, every read through the API client and
// the Probe (plan_roll_out, a dry run's roll_out, makes the same writes and neither reads the
// node nor waits):
//  1. Reads the manifest `<manifest_dir>/<component>.yaml` (must exist) and the mirror pod
//     `kube-system/<component>-<node_name>`: its `kubernetes.io/config.hash` annotation and its
//     container's ID (polled until found, at most `initial_read_timeout`). Replace needs it; a
//     restart goes on without it (a cluster whose certificates expired may not answer yet), with
//     a warning, and then proves the restart by the health endpoint going down and up.
//  2. Backs the manifest up into `backup_dir` (0700, under /etc/kubernetes/tmp, 0700) as
//     `<component>.yaml` (0600).
//  3. Replace: writes `new_manifest` over the manifest (atomic rename; the kubelet sees one
//     change), then waits until the mirror pod's hash differs from the recorded one.
//     Restart: moves the manifest out (removes it; the backup holds it), waits until the
//     component's health endpoint stops answering (the kubelet stopped it), moves it back, then
//     waits until the mirror pod's container ID differs from the recorded one.
//  4. Both: waits until the mirror pod is Ready, the health endpoint (taken from the manifest
//     being rolled out: kube-apiserver's readiness probe, the others' liveness probes) answers
//     200, and `also_wait_for` (if any) holds. etcd has no API while it restarts: as kubeadm
//     does, every failed API read counts as "not yet" until the timeout, and etcd's own health
//     endpoint (its liveness probe, plain HTTP on the metrics port) says when it is back.
//  5. Any failure or timeout after the manifest was touched: writes the backup back into the
//     manifest dir, waits (same timeout) until the previous instance is Ready and healthy
//     again, and returns an error naming the component, what was last observed, whether the
//     old one is healthy again, and where the backup is. The backup is always kept.
//
// The wait timeouts default to kubeadm's `timeouts.upgradeManifests` (5m), polled every 500ms.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "common/duration.h"
#include "common/error.h"
#include "plan/effects.h"

namespace kadm::staticpod {

inline constexpr std::string_view kConfigHashAnnotation = "kubernetes.io/config.hash";
inline constexpr Duration kDefaultRolloutTimeout = std::chrono::minutes(5);
inline constexpr Duration kDefaultPollInterval = std::chrono::milliseconds(500);

// Network checks of a running component; a seam (unit tests give a fake).
class Probe {
 public:
  virtual ~Probe() = default;
  // Healthy when a GET of `url` answers 200 (TLS not verified, as the kubelet's probes);
  // otherwise an error saying what was seen ("connection refused", "HTTP 500: ...").
  virtual Status health(const std::string& url) = 0;
  // The serial (decimal) of the certificate served at host:port, verified against `ca_file`
  // when given; `client_cert_file`/`client_key_file` are presented when given (etcd asks for
  // one).
  virtual Result<std::string> served_serial(const std::string& host, int port,
                                            const std::string& ca_file,
                                            const std::string& client_cert_file = "",
                                            const std::string& client_key_file = "") = 0;
};

// The real network: health over libcurl, serials over an OpenSSL handshake (short timeouts).
class NetProbe final : public Probe {
 public:
  struct Answer {
    int status = 0;
    std::string body;
    std::string error;             // the client's account of a status it retries (5xx, 429)
    std::string describe() const;  // that account, or "HTTP 403: <the body's start>"
  };
  // Any HTTP answer (health() wants 200); an error when none came (refused, TLS, timeout).
  Result<Answer> answer(const std::string& url);
  Status health(const std::string& url) override;
  Result<std::string> served_serial(const std::string& host, int port, const std::string& ca_file,
                                    const std::string& client_cert_file,
                                    const std::string& client_key_file) override;
};

struct Seams {
  plan::Effects& effects;
  apiclient::Client& client;
  Probe& probe;
  apiclient::Clock& clock;
  // Asked for extra lines about a component that did not come up (for example
  // staticpod::runtime_explainer: what the container runtime says); may be empty.
  std::function<std::vector<std::string>(const std::string& component)> explain = {};
};

struct RolloutRequest {
  // "etcd", "kube-apiserver", "kube-controller-manager" or "kube-scheduler".
  std::string component = {};
  std::string node_name = {};  // the mirror pod is <component>-<node_name>
  std::filesystem::path manifest_dir = "/etc/kubernetes/manifests";
  std::filesystem::path backup_dir = {};         // see backup_dir(); shared by a run's components
  std::optional<std::string> new_manifest = {};  // set: replace (upgrade); unset: restart (renewal)
  Duration timeout = kDefaultRolloutTimeout;     // each wait (stop, start, rollback)
  Duration interval = kDefaultPollInterval;
  Duration initial_read_timeout = std::chrono::seconds(15);  // the mirror pod before the change
  // One more condition the new instance must meet, polled with the others (certs renew: the
  // served certificate is the renewed one). true: met; false or an error: not yet.
  std::function<Result<bool>()> also_wait_for = {};
  std::string also_wait_for_what = {};              // "the served certificate's serial to be 1234"
  std::string log_prefix = "[upgrade/staticpods]";  // certs renew: "[renew]"
};

struct RolloutReport {
  std::string component = {};
  bool restarted = false;  // restart (same manifest) rather than replace
  bool dry_run = false;    // only planned
  std::filesystem::path manifest = {};
  std::filesystem::path backup = {};
  std::string hash_before = {}, hash_after = {};  // mirror pod config.hash ("" unknown)
  // The containerID of the component's container in the mirror pod ("" unknown).
  std::string container_before = {}, container_after = {};
  Duration took{};
};

// What kadm reads of a mirror pod.
struct MirrorPod {
  std::string hash = {};          // kubernetes.io/config.hash
  std::string uid = {};           // metadata.uid
  std::string container_id = {};  // "containerd://..." of the container named like the component
  bool ready = false;             // condition Ready is True
  std::string phase = {};         // status.phase
};
MirrorPod parse_mirror_pod(const nlohmann::json& pod, const std::string& component);
std::string mirror_pod_path(const std::string& component, const std::string& node_name);

// The URL the kubelet's probe checks, from a static pod manifest (YAML or JSON text):
// kube-apiserver's readiness probe when it has one, otherwise the liveness probe. Host defaults
// to 127.0.0.1; named ports are looked up among the container's ports.
Result<std::string> health_url(const std::string& manifest_text, const std::string& component);

// `<kubernetes_dir>/tmp/kubeadm-backup-manifests-YYYY-MM-DD-HH-MM-SS` (local time, as kubeadm).
std::filesystem::path backup_dir(const std::filesystem::path& kubernetes_dir,
                                 std::chrono::system_clock::time_point now);

Result<RolloutReport> roll_out(const RolloutRequest& request, const Seams& seams);

// Writes `<backup_dir>/<component>.yaml` back into the manifest dir and waits until the component
// is Ready and healthy (for callers that roll back components that had succeeded).
Status restore_from_backup(const RolloutRequest& request, const Seams& seams);

// A dry run's roll_out and restore_from_backup: the backup and the manifest change go through
// Effects (which print them), the mirror pod is not read and nothing is waited for.
Result<RolloutReport> plan_roll_out(const RolloutRequest& request, const Seams& seams);
Status plan_restore(const RolloutRequest& request, const Seams& seams);

// How a run replaces static pods, chosen by the run environment.
struct Rollouts {
  std::function<Result<RolloutReport>(const RolloutRequest&, const Seams&)> roll_out =
      staticpod::roll_out;
  std::function<Status(const RolloutRequest&, const Seams&)> restore = restore_from_backup;
};
Rollouts dry_run_rollouts();

}  // namespace kadm::staticpod
