#include "manifests/pod_spec_common.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "common/constants.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

namespace kadm::manifests {

using config::Arg;

namespace {

constexpr std::string_view kProbePortName = "probe-port";
constexpr std::string_view kCACertsDir = "/etc/ssl/certs";
constexpr int kNodeCriticalPriority = 2000001000;
constexpr int kDefaultHealthCheckSeconds = 240;

// Directories /etc/ssl/certs may link into; mounted read-only when they exist on the host.
std::vector<std::string_view> ca_trust_dirs(const VersionRow& row) {
  if (row.split_etc_pki) {
    return {"/etc/pki/ca-trust", "/etc/pki/tls/certs", "/etc/ca-certificates",
            "/usr/share/ca-certificates", "/usr/local/share/ca-certificates"};
  }
  return {"/etc/pki", "/etc/ca-certificates", "/usr/share/ca-certificates",
          "/usr/local/share/ca-certificates"};
}

}  // namespace

namespace detail {

bool is_ipv6(std::string_view addr) { return addr.find(':') != std::string_view::npos; }

// Unspecified addresses mean "all interfaces"; the kubelet then probes the pod IP (empty host).
std::string probe_address(std::string_view addr) {
  if (addr == "0.0.0.0" || addr == "::") return "";
  return std::string(addr);
}

std::optional<std::string> last_arg(const std::vector<Arg>& args, std::string_view name) {
  for (auto it = args.rbegin(); it != args.rend(); ++it) {
    if (it->name == name) return it->value;
  }
  return std::nullopt;
}

Result<Context> make_context(const config::InitConfiguration& cfg) {
  const VersionRow row =
      KADM_TRY_CTX(version_row(cfg.cluster.kubernetes_version), "static Pod manifests");
  const auto& cp = cfg.timeouts.control_plane_component_health_check;
  const long long seconds = cp.count() > 0 ? (cp.count() + 999) / 1000 : kDefaultHealthCheckSeconds;
  return Context{
      .cfg = cfg,
      .cluster = cfg.cluster,
      .row = row,
      .pki = config::certificates_dir_or_default(cfg.cluster),
      .advertise = cfg.local_api_endpoint.advertise_address,
      .bind_port = cfg.local_api_endpoint.bind_port > 0 ? cfg.local_api_endpoint.bind_port
                                                        : constants::kAPIServerPort,
      .startup_failure_threshold = static_cast<int>((seconds + 9) / 10),
  };
}

std::string pki_path(const Context& c, std::string_view name) {
  return c.pki + "/" + std::string(name);
}

std::string kubernetes_file(std::string_view name) {
  return std::string(constants::kKubernetesDir) + "/" + std::string(name);
}

HttpProbe probe(const Context& c, ProbeKind kind, std::string host, std::string path, int port,
                std::string scheme) {
  HttpProbe p;
  p.host = std::move(host);
  p.path = std::move(path);
  if (c.row.named_probe_port) {
    p.port = std::string(kProbePortName);
  } else {
    p.port = port;
  }
  p.scheme = std::move(scheme);
  p.timeout_seconds = 15;
  switch (kind) {
    case ProbeKind::Liveness:
      p.initial_delay_seconds = 10;
      p.period_seconds = 10;
      p.failure_threshold = 8;
      break;
    case ProbeKind::Readiness:
      p.period_seconds = 1;
      p.failure_threshold = 3;
      break;
    case ProbeKind::Startup:
      p.initial_delay_seconds = 10;
      p.period_seconds = 10;
      p.failure_threshold = c.startup_failure_threshold;
      break;
  }
  return p;
}

void add_probe_port(const Context& c, Container& container, int port) {
  if (c.row.named_probe_port) {
    container.ports.push_back({port, std::string(kProbePortName), "TCP"});
  }
}

std::vector<config::EnvVar> proxy_env(const host::Host& host) {
  std::vector<config::EnvVar> out;
  for (const auto& entry : host.environment()) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string name = entry.substr(0, eq);
    std::string value = entry.substr(eq + 1);
    if (str::lower(name).ends_with("_proxy") && !value.empty()) out.push_back({name, value});
  }
  return out;
}

// Later lists win by name; the result is sorted by name.
std::vector<config::EnvVar> merge_env(const std::vector<config::EnvVar>& base,
                                      const std::vector<config::EnvVar>& overrides) {
  std::map<std::string, std::string> merged;
  for (const auto& e : base) merged[e.name] = e.value;
  for (const auto& e : overrides) merged[e.name] = e.value;
  std::vector<config::EnvVar> out;
  for (const auto& [name, value] : merged) out.push_back({name, value});
  return out;
}

void add_ca_trust_mounts(const Context& c, const host::Host& host, Mounts& m) {
  m.add_same("ca-certs", std::string(kCACertsDir), true, "DirectoryOrCreate");
  for (std::string_view dir : ca_trust_dirs(c.row)) {
    if (!host.is_dir(std::string(dir))) continue;
    std::string name(dir.substr(1));
    std::replace(name.begin(), name.end(), '/', '-');
    m.add_same(name, std::string(dir), true, "DirectoryOrCreate");
  }
}

// Directories holding external etcd's CA/cert/key that no other volume already covers.
void add_external_etcd_mounts(const Context& c, Mounts& m) {
  const auto& ext = *c.cluster.etcd.external;
  std::set<std::string> dirs;
  for (const std::string* file : {&ext.ca_file, &ext.cert_file, &ext.key_file}) {
    std::string dir = std::filesystem::path(*file).parent_path().string();
    if (dir.empty() || dir == ".") continue;
    bool covered = dir.starts_with(kCACertsDir) || dir.starts_with(c.pki);
    for (std::string_view trusted : ca_trust_dirs(c.row))
      covered = covered || dir.starts_with(trusted);
    if (covered) continue;
    bool inside_existing = false;
    for (auto it = dirs.begin(); it != dirs.end();) {
      if (it->starts_with(dir)) {
        it = dirs.erase(it);
      } else {
        if (dir.starts_with(*it)) inside_existing = true;
        ++it;
      }
    }
    if (!inside_existing) dirs.insert(dir);
  }
  int i = 0;
  for (const auto& dir : dirs) {
    m.add_same("etcd-certs-" + std::to_string(i++), dir, true, "DirectoryOrCreate");
  }
}

Pod component_pod(const Context& c, Container container,
                  std::map<std::string, std::string> annotations) {
  Pod pod;
  pod.name = container.name;
  pod.namespace_ = "kube-system";
  pod.annotations = std::move(annotations);
  pod.labels = {{"component", container.name}, {"tier", "control-plane"}};
  pod.creation_timestamp_null = c.row.creation_timestamp_null;
  container.image_pull_policy = "IfNotPresent";
  pod.container = std::move(container);
  pod.host_network = true;
  if (c.row.pod_priority) pod.priority = kNodeCriticalPriority;
  pod.priority_class_name = "system-node-critical";
  if (c.row.seccomp_runtime_default) pod.seccomp_profile_type = "RuntimeDefault";
  return pod;
}

std::vector<std::string> command(std::string_view binary,
                                 const std::map<std::string, std::string>& defaults,
                                 const std::vector<Arg>& user, const VersionRow& row) {
  std::vector<Arg> base;
  for (const auto& [name, value] : defaults) base.push_back({name, value});
  auto args = merge_args(std::move(base), user,
                         row.extra_args_order == ExtraArgsOrder::DefaultsSortedThenUserOrder);
  args.insert(args.begin(), std::string(binary));
  return args;
}

bool using_external_ca(const Context& c, const host::Host& host) {
  return host.exists(pki_path(c, "ca.crt")) && !host.exists(pki_path(c, "ca.key"));
}
Container kubernetes_container(const Context& c, std::string name,
                               const std::map<std::string, std::string>& defaults,
                               const config::ControlPlaneComponent& component,
                               const host::Host& host) {
  Container k;
  k.name = std::move(name);
  k.command = command(k.name, defaults, component.extra_args, c.row);
  k.env = merge_env(proxy_env(host), component.extra_envs);
  k.image = kubernetes_image(c.cluster, k.name);
  return k;
}

std::map<std::string, std::string> loopback_component_flags(const std::string& kubeconfig) {
  return {{"authentication-kubeconfig", kubeconfig},
          {"authorization-kubeconfig", kubeconfig},
          {"bind-address", "127.0.0.1"},
          {"kubeconfig", kubeconfig}};
}

}  // namespace detail

using namespace detail;

std::vector<std::string> merge_args(std::vector<Arg> defaults, const std::vector<Arg>& user,
                                    bool user_order_kept) {
  std::set<std::string> overridden;
  for (const auto& a : user) overridden.insert(a.name);
  std::erase_if(defaults, [&](const Arg& a) { return overridden.contains(a.name); });
  std::stable_sort(defaults.begin(), defaults.end(),
                   [](const Arg& a, const Arg& b) { return a.name < b.name; });
  std::vector<Arg> all = std::move(defaults);
  all.insert(all.end(), user.begin(), user.end());
  if (!user_order_kept) {
    std::stable_sort(all.begin(), all.end(), [](const Arg& a, const Arg& b) {
      return a.name != b.name ? a.name < b.name : a.value < b.value;
    });
  }
  std::vector<std::string> out;
  for (const auto& a : all) out.push_back("--" + a.name + "=" + a.value);
  return out;
}

}  // namespace kadm::manifests
