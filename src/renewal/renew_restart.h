#pragma once
// What makes `kadm certs renew` take effect: the static pods that read a renewed certificate or
// kubeconfig are restarted, one at a time, through the shared static pod rollout
// (src/staticpod/rollout.h), and a renewed serving certificate is checked over TLS: the
// certificate kube-apiserver (its advertise address and port) or etcd (its client URL) serves is
// the renewed one. kubeadm itself restarts nothing and prints "You must restart ..." (kept
// behind `--restart=false`).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/constants.h"
#include "common/duration.h"
#include "common/error.h"
#include "staticpod/rollout.h"

namespace kadm::renewal {

// Which control-plane static pods read a renewable certificate or kubeconfig file, by its
// `kadm certs renew` name; empty when none does (admin.conf, super-admin.conf: used by people and
// kadm; etcd-healthcheck-client: etcd's probe is plain HTTP on the metrics port).
const std::vector<std::string_view>& components_reading(std::string_view renewable_name);

// The components to restart for the renewed names, each once, in kubeadm's upgrade order
// (etcd, kube-apiserver, kube-controller-manager, kube-scheduler).
std::vector<std::string> components_to_restart(const std::vector<std::string>& renewed);

// kubeadm's line for `all` ("Done renewing certificates. You must restart the kube-apiserver,
// kube-controller-manager, kube-scheduler and etcd, so that they can use the new
// certificates."), and a line naming the components for a single name; "" when none.
std::string restart_hint(bool all, const std::vector<std::string>& components);

// The node name the kubelet registered with, from the client certificate kubelet.conf uses
// (CN "system:node:<name>", embedded or in the file it names); `fallback` when unreadable.
std::string kubelet_node_name(const std::filesystem::path& kubelet_conf, std::string fallback);

struct RestartOptions {
  std::filesystem::path manifest_dir = "/etc/kubernetes/manifests";
  std::filesystem::path backup_dir;  // staticpod::backup_dir(...)
  std::filesystem::path cert_dir = constants::kDefaultCertificatesDir;
  std::string node_name;
  std::string kubelet_healthz_url = "http://127.0.0.1:10248/healthz";
  Duration timeout = staticpod::kDefaultRolloutTimeout;
  Duration interval = staticpod::kDefaultPollInterval;
};

struct ServedCertificate {
  std::string component;
  std::string address;  // host:port
  std::string serial_before, serial_after;
};

struct RestartReport {
  std::vector<staticpod::RolloutReport> restarted;
  std::vector<ServedCertificate> served;
  std::vector<std::string> skipped;  // components with no manifest on this host
};

// Restarts what reads `renewed` (see components_to_restart). Components without a manifest in
// manifest_dir are skipped (reported); with none at all nothing is asked of the node. With
// manifests but no kubelet answering at kubelet_healthz_url it fails at once, naming what to do,
// instead of waiting for a restart that cannot happen.
Result<RestartReport> restart_components(const std::vector<std::string>& renewed,
                                         const RestartOptions& options,
                                         const staticpod::Seams& seams);

}  // namespace kadm::renewal
