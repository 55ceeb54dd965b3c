#pragma once
// What the four component specs (apiserver_spec.cpp, controller_manager_spec.cpp,
// scheduler_spec.cpp, etcd_spec.cpp) share: the per-configuration context, probes, and the
// merging of mounts, environment and extraArgs. Internal to src/manifests; callers use
// manifests/pod_specs.h.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/net.h"
#include "config/types.h"
#include "manifests/pod.h"
#include "manifests/pod_specs.h"
#include "manifests/version_table.h"

namespace kadm::manifests::detail {

using net::join_host_port;

struct Context {
  const config::InitConfiguration& cfg;
  const config::ClusterConfiguration& cluster;
  VersionRow row;
  std::string pki;
  std::string advertise;
  int bind_port;
  int startup_failure_threshold;
};

enum class ProbeKind { Liveness, Readiness, Startup };

// Volumes and their mounts keyed by name: a later mount of the same name replaces the earlier.
class Mounts {
 public:
  void add(std::string name, std::string host_path, std::string mount_path, bool read_only,
           std::string type) {
    m_mounts[name] = {HostPathVolume{name, std::move(host_path), std::move(type)},
                      VolumeMount{name, std::move(mount_path), read_only}};
  }
  void add_same(std::string name, const std::string& path, bool read_only, std::string type) {
    add(std::move(name), path, path, read_only, std::move(type));
  }
  void add_extra(const std::vector<config::HostPathMount>& extra) {
    for (const auto& v : extra) add(v.name, v.host_path, v.mount_path, v.read_only, v.path_type);
  }
  void apply(Pod& pod) const {
    for (const auto& [name, vm] : m_mounts) {
      pod.volumes.push_back(vm.first);
      pod.container.volume_mounts.push_back(vm.second);
    }
  }

 private:
  std::map<std::string, std::pair<HostPathVolume, VolumeMount>> m_mounts;
};

bool is_ipv6(std::string_view addr);
// Unspecified addresses mean "all interfaces"; the kubelet then probes the pod IP (empty host).
std::string probe_address(std::string_view addr);
// The value of the last `name` argument, if any.
std::optional<std::string> last_arg(const std::vector<config::Arg>& args, std::string_view name);

Result<Context> make_context(const config::InitConfiguration& cfg);
std::string pki_path(const Context& c, std::string_view name);
// A file under /etc/kubernetes.
std::string kubernetes_file(std::string_view name);

HttpProbe probe(const Context& c, ProbeKind kind, std::string host, std::string path, int port,
                std::string scheme);
// The named probe port, for the versions whose probes name it.
void add_probe_port(const Context& c, Container& container, int port);

// The host's non-empty *_proxy variables.
std::vector<config::EnvVar> proxy_env(const host::Host& host);
// Later lists win by name; the result is sorted by name.
std::vector<config::EnvVar> merge_env(const std::vector<config::EnvVar>& base,
                                      const std::vector<config::EnvVar>& overrides);

// /etc/ssl/certs plus the CA-trust directories the host has.
void add_ca_trust_mounts(const Context& c, const host::Host& host, Mounts& m);
// Directories holding external etcd's CA/cert/key that no other volume already covers.
void add_external_etcd_mounts(const Context& c, Mounts& m);

// The Pod around a component's container: labels, priority, host network, seccomp.
Pod component_pod(const Context& c, Container container,
                  std::map<std::string, std::string> annotations);
// The binary followed by kubeadm's defaults merged with the user's extraArgs.
std::vector<std::string> command(std::string_view binary,
                                 const std::map<std::string, std::string>& defaults,
                                 const std::vector<config::Arg>& user, const VersionRow& row);
// The container kube-apiserver, kube-controller-manager and kube-scheduler start from: the
// binary `name` with kubeadm's defaults and the user's extraArgs, the host's proxy variables
// under the user's extraEnvs, and the release's image.
Container kubernetes_container(const Context& c, std::string name,
                               const std::map<std::string, std::string>& defaults,
                               const config::ControlPlaneComponent& component,
                               const host::Host& host);
// The flags kube-controller-manager and kube-scheduler share: one kubeconfig for the API,
// authentication and authorization, and a loopback bind address.
std::map<std::string, std::string> loopback_component_flags(const std::string& kubeconfig);
// External-CA mode: ca.crt without ca.key.
bool using_external_ca(const Context& c, const host::Host& host);

}  // namespace kadm::manifests::detail
