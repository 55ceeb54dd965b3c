#pragma once
// kubeadm's kubelet-start, shared by init and join: stop the kubelet (a kubelet restarting in a
// loop must not read half-written files), write its flags and configuration, start it again.
// Hosts without a kubelet service (kadm's harness, kubelets run outside systemd) get the files
// and a warning saying what to start instead.

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "host/host.h"
#include "plan/effects.h"

namespace kadm::kubelet {

struct KubeletFiles {
  std::filesystem::path dir;    // /var/lib/kubelet
  std::string flags_env;        // kubeadm-flags.env
  std::string config_yaml;      // config.yaml
  std::string instance_config;  // instance-config.yaml; empty: not written (before v1.34)
  mode_t config_mode = 0644;    // config.yaml: kubeadm's 0644; the cis profile's 0600
};

// Stops the kubelet when the host has the service; a failure to stop is only a warning.
void stop_kubelet(const host::Host& host, plan::Effects& effects);

// Writes kubeadm-flags.env, config.yaml (and instance-config.yaml) into files.dir, with
// kubeadm's lines; files.dir itself is made (or restricted to) 0700.
Status write_kubelet_files(const KubeletFiles& files, plan::Effects& effects);

// The kubelet's systemd unit and kubeadm's drop-in where they usually are.
const std::vector<std::string>& kubelet_unit_files();
// CIS 4.1.1: takes group and other bits away from those of kubelet_unit_files() that exist (they
// belong to the kubelet's package; kadm never creates them).
Status restrict_kubelet_unit_files(plan::Effects& effects);

// Restarts the kubelet service; without one, warns "no kubelet service on this host; <hint>".
// True when a kubelet now runs, so what it does next (its TLS bootstrap) can be waited for.
Result<bool> start_kubelet(const host::Host& host, plan::Effects& effects,
                           std::string_view no_service_hint);

// A dry run's start_kubelet: the same lines and the same (dry-run) restart command, but no
// kubelet runs afterwards, so it answers false and nobody waits for one.
Result<bool> start_no_kubelet(const host::Host& host, plan::Effects& effects,
                              std::string_view no_service_hint);

// How a run starts the kubelet (runenv: start_kubelet, or start_no_kubelet for --dry-run).
using KubeletStarter = std::function<Result<bool>(const host::Host&, plan::Effects&,
                                                  std::string_view no_service_hint)>;

}  // namespace kadm::kubelet
