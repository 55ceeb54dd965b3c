#include "manifests/pod_specs.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "common/constants.h"
#include "common/strings.h"
#include "manifests/images.h"
#include "manifests/version_table.h"

extern char** environ;

namespace kadm::manifests {
namespace {

using config::Arg;

constexpr std::string_view kProbePortName = "probe-port";
constexpr std::string_view kCACertsDir = "/etc/ssl/certs";
constexpr std::string_view kFlexVolumeDefaultDir =
    "/usr/libexec/kubernetes/kubelet-plugins/volume/exec";
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

bool is_ipv6(std::string_view addr) { return addr.find(':') != std::string_view::npos; }

std::string join_host_port(std::string_view host, int port) {
  std::string h(host);
  if (is_ipv6(h)) h = "[" + h + "]";
  return h + ":" + std::to_string(port);
}

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

struct Context {
  const config::InitConfiguration& cfg;
  const config::ClusterConfiguration& cluster;
  VersionRow row;
  std::string pki;
  std::string advertise;
  int bind_port;
  int startup_failure_threshold;
};

Result<Context> make_context(const config::InitConfiguration& cfg) {
  const VersionRow row =
      KADM_TRY_CTX(version_row(cfg.cluster.kubernetes_version), "static Pod manifests");
  const auto& cp = cfg.timeouts.control_plane_component_health_check;
  const long long seconds = cp.count() > 0 ? (cp.count() + 999) / 1000 : kDefaultHealthCheckSeconds;
  return Context{
      .cfg = cfg,
      .cluster = cfg.cluster,
      .row = row,
      .pki = cfg.cluster.certificates_dir.empty() ? std::string(constants::kDefaultCertificatesDir)
                                                  : cfg.cluster.certificates_dir,
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

enum class ProbeKind { Liveness, Readiness, Startup };

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

std::vector<config::EnvVar> proxy_env(const HostFacts& host) {
  std::vector<config::EnvVar> out;
  for (const auto& entry : host.environment) {
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

void add_ca_trust_mounts(const Context& c, const HostFacts& host, Mounts& m) {
  m.add_same("ca-certs", std::string(kCACertsDir), true, "DirectoryOrCreate");
  for (std::string_view dir : ca_trust_dirs(c.row)) {
    if (!host.dir_exists || !host.dir_exists(dir)) continue;
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

bool using_external_ca(const Context& c, const HostFacts& host) {
  if (!host.file_exists) return false;
  return host.file_exists(pki_path(c, "ca.crt")) && !host.file_exists(pki_path(c, "ca.key"));
}

}  // namespace

HostFacts real_host() {
  HostFacts h;
  h.dir_exists = [](std::string_view p) {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::path(p), ec);
  };
  h.file_exists = h.dir_exists;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) h.environment.emplace_back(*e);
  return h;
}

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

Result<Pod> apiserver_pod(const config::InitConfiguration& cfg, const HostFacts& host) {
  const Context c = KADM_TRY(make_context(cfg));
  const auto& api = c.cluster.api_server;
  std::map<std::string, std::string> d = {
      {"advertise-address", c.advertise},
      {"allow-privileged", "true"},
      {"client-ca-file", pki_path(c, "ca.crt")},
      {"enable-admission-plugins", "NodeRestriction"},
      {"enable-bootstrap-token-auth", "true"},
      {"kubelet-client-certificate", pki_path(c, "apiserver-kubelet-client.crt")},
      {"kubelet-client-key", pki_path(c, "apiserver-kubelet-client.key")},
      {"kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname"},
      {"proxy-client-cert-file", pki_path(c, "front-proxy-client.crt")},
      {"proxy-client-key-file", pki_path(c, "front-proxy-client.key")},
      {"requestheader-allowed-names", "front-proxy-client"},
      {"requestheader-client-ca-file", pki_path(c, "front-proxy-ca.crt")},
      {"requestheader-extra-headers-prefix", "X-Remote-Extra-"},
      {"requestheader-group-headers", "X-Remote-Group"},
      {"requestheader-username-headers", "X-Remote-User"},
      {"secure-port", std::to_string(c.bind_port)},
      {"service-account-issuer",
       "https://kubernetes.default.svc." + (c.cluster.networking.dns_domain.empty()
                                                ? std::string(constants::kDefaultDNSDomain)
                                                : c.cluster.networking.dns_domain)},
      {"service-account-key-file", pki_path(c, "sa.pub")},
      {"service-account-signing-key-file", pki_path(c, "sa.key")},
      {"service-cluster-ip-range", c.cluster.networking.service_subnet},
      {"tls-cert-file", pki_path(c, "apiserver.crt")},
      {"tls-private-key-file", pki_path(c, "apiserver.key")},
  };
  if (c.row.apiserver_insecure_port_zero) d["insecure-port"] = "0";
  if (!last_arg(api.extra_args, "authorization-config")) d["authorization-mode"] = "Node,RBAC";
  if (const auto& ext = c.cluster.etcd.external) {
    d["etcd-servers"] = str::join(ext->endpoints, ",");
    if (!ext->ca_file.empty()) d["etcd-cafile"] = ext->ca_file;
    if (!ext->cert_file.empty() && !ext->key_file.empty()) {
      d["etcd-certfile"] = ext->cert_file;
      d["etcd-keyfile"] = ext->key_file;
    }
  } else {
    const std::string local = is_ipv6(c.advertise) ? "::1" : "127.0.0.1";
    d["etcd-servers"] = "https://" + join_host_port(local, constants::kEtcdClientPort);
    if (c.cluster.etcd.local) {
      if (auto urls = last_arg(c.cluster.etcd.local->extra_args, "advertise-client-urls")) {
        d["etcd-servers"] = *urls;
      }
    }
    d["etcd-cafile"] = pki_path(c, "etcd/ca.crt");
    d["etcd-certfile"] = pki_path(c, "apiserver-etcd-client.crt");
    d["etcd-keyfile"] = pki_path(c, "apiserver-etcd-client.key");
  }

  Container k;
  k.name = "kube-apiserver";
  k.command = command(k.name, d, api.extra_args, c.row);
  k.env = merge_env(proxy_env(host), api.extra_envs);
  k.image = kubernetes_image(c.cluster, k.name);
  const std::string probe_host = c.advertise.empty() ? "127.0.0.1" : probe_address(c.advertise);
  k.liveness_probe = probe(c, ProbeKind::Liveness, probe_host, "/livez", c.bind_port, "HTTPS");
  k.readiness_probe = probe(c, ProbeKind::Readiness, probe_host, "/readyz", c.bind_port, "HTTPS");
  k.startup_probe = probe(c, ProbeKind::Startup, probe_host, "/livez", c.bind_port, "HTTPS");
  add_probe_port(c, k, c.bind_port);
  k.resource_requests = {{"cpu", "250m"}};

  Mounts m;
  m.add_same("k8s-certs", c.pki, true, "DirectoryOrCreate");
  add_ca_trust_mounts(c, host, m);
  if (c.cluster.etcd.external) add_external_etcd_mounts(c, m);
  m.add_extra(api.extra_volumes);

  Pod pod = component_pod(c, std::move(k),
                          {{"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint",
                            join_host_port(c.advertise, c.bind_port)}});
  m.apply(pod);
  return pod;
}

Result<Pod> controller_manager_pod(const config::InitConfiguration& cfg, const HostFacts& host) {
  const Context c = KADM_TRY(make_context(cfg));
  const auto& kcm = c.cluster.controller_manager;
  const std::string kubeconfig = kubernetes_file(constants::kControllerManagerConf);
  std::map<std::string, std::string> d = {
      {"authentication-kubeconfig", kubeconfig},
      {"authorization-kubeconfig", kubeconfig},
      {"bind-address", "127.0.0.1"},
      {"client-ca-file", pki_path(c, "ca.crt")},
      {"cluster-signing-cert-file", pki_path(c, "ca.crt")},
      {"cluster-signing-key-file", pki_path(c, "ca.key")},
      {"controllers", "*,bootstrapsigner,tokencleaner"},
      {"kubeconfig", kubeconfig},
      {"leader-elect", "true"},
      {"requestheader-client-ca-file", pki_path(c, "front-proxy-ca.crt")},
      {"root-ca-file", pki_path(c, "ca.crt")},
      {"service-account-private-key-file", pki_path(c, "sa.key")},
      {"use-service-account-credentials", "true"},
  };
  if (c.row.kcm_scheduler_port_zero) d["port"] = "0";
  // Without the CA key on disk the certificates controller cannot sign; kubeadm then leaves
  // the signing flags empty for an external signer.
  if (using_external_ca(c, host)) {
    d["cluster-signing-cert-file"] = "";
    d["cluster-signing-key-file"] = "";
  }
  const auto& net = c.cluster.networking;
  if (!net.pod_subnet.empty()) {
    d["allocate-node-cidrs"] = "true";
    d["cluster-cidr"] = net.pod_subnet;
    if (!net.service_subnet.empty()) d["service-cluster-ip-range"] = net.service_subnet;
  }
  if (!c.cluster.cluster_name.empty()) d["cluster-name"] = c.cluster.cluster_name;

  Container k;
  k.name = "kube-controller-manager";
  k.command = command(k.name, d, kcm.extra_args, c.row);
  k.env = merge_env(proxy_env(host), kcm.extra_envs);
  k.image = kubernetes_image(c.cluster, k.name);
  const std::string probe_host =
      probe_address(last_arg(kcm.extra_args, "bind-address").value_or("127.0.0.1"));
  const int port = constants::kControllerManagerPort;
  k.liveness_probe = probe(c, ProbeKind::Liveness, probe_host, "/healthz", port, "HTTPS");
  k.startup_probe = probe(c, ProbeKind::Startup, probe_host, "/healthz", port, "HTTPS");
  add_probe_port(c, k, port);
  k.resource_requests = {{"cpu", "200m"}};

  Mounts m;
  m.add_same("k8s-certs", c.pki, true, "DirectoryOrCreate");
  add_ca_trust_mounts(c, host, m);
  m.add_same("kubeconfig", kubeconfig, true, "FileOrCreate");
  if (c.row.kcm_flexvolume_dir) {
    m.add_same("flexvolume-dir",
               last_arg(kcm.extra_args, "flex-volume-plugin-dir")
                   .value_or(std::string(kFlexVolumeDefaultDir)),
               false, "DirectoryOrCreate");
  }
  m.add_extra(kcm.extra_volumes);

  Pod pod = component_pod(c, std::move(k), {});
  m.apply(pod);
  return pod;
}

Result<Pod> scheduler_pod(const config::InitConfiguration& cfg, const HostFacts& host) {
  const Context c = KADM_TRY(make_context(cfg));
  const auto& sched = c.cluster.scheduler;
  const std::string kubeconfig = kubernetes_file(constants::kSchedulerConf);
  std::map<std::string, std::string> d = {
      {"authentication-kubeconfig", kubeconfig},
      {"authorization-kubeconfig", kubeconfig},
      {"bind-address", "127.0.0.1"},
      {"kubeconfig", kubeconfig},
      {"leader-elect", "true"},
  };
  if (c.row.kcm_scheduler_port_zero) d["port"] = "0";

  Container k;
  k.name = "kube-scheduler";
  k.command = command(k.name, d, sched.extra_args, c.row);
  k.env = merge_env(proxy_env(host), sched.extra_envs);
  k.image = kubernetes_image(c.cluster, k.name);
  const std::string probe_host =
      probe_address(last_arg(sched.extra_args, "bind-address").value_or("127.0.0.1"));
  const int port = constants::kSchedulerPort;
  const std::string live = c.row.scheduler_livez_readyz ? "/livez" : "/healthz";
  k.liveness_probe = probe(c, ProbeKind::Liveness, probe_host, live, port, "HTTPS");
  if (c.row.scheduler_livez_readyz) {
    k.readiness_probe = probe(c, ProbeKind::Readiness, probe_host, "/readyz", port, "HTTPS");
  }
  k.startup_probe = probe(c, ProbeKind::Startup, probe_host, live, port, "HTTPS");
  add_probe_port(c, k, port);
  k.resource_requests = {{"cpu", "100m"}};

  Mounts m;
  m.add_same("kubeconfig", kubeconfig, true, "FileOrCreate");
  m.add_extra(sched.extra_volumes);

  Pod pod = component_pod(c, std::move(k), {});
  m.apply(pod);
  return pod;
}

namespace {

struct ProbeEndpoint {
  std::string host;
  int port;
  std::string scheme;
};

// kubeadm probes etcd on the first listen-metrics-urls entry the user gave, if any.
ProbeEndpoint etcd_probe_endpoint(const std::vector<Arg>& extra_args, bool ipv6) {
  ProbeEndpoint ep{ipv6 ? "::1" : "127.0.0.1", constants::kEtcdMetricsPort, "HTTP"};
  auto urls = last_arg(extra_args, "listen-metrics-urls");
  if (!urls) return ep;
  std::string url = str::split(*urls, ',').empty() ? "" : str::split(*urls, ',').front();
  const auto sep = url.find("://");
  if (sep == std::string::npos) return ep;
  if (url.substr(0, sep) == "https") ep.scheme = "HTTPS";
  std::string hostport = url.substr(sep + 3);
  hostport = hostport.substr(0, hostport.find('/'));
  std::string h;
  std::string port;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string::npos) return ep;
    h = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':')
      port = hostport.substr(close + 2);
  } else {
    const auto colon = hostport.rfind(':');
    h = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (!h.empty()) ep.host = h;
  if (!port.empty() && std::all_of(port.begin(), port.end(), ::isdigit) && port.size() < 6) {
    const int p = std::stoi(port);
    if (p > 0 && p < 65536) ep.port = p;
  }
  return ep;
}

}  // namespace

Result<Pod> etcd_pod(const config::InitConfiguration& cfg,
                     const std::vector<EtcdMember>& initial_cluster, const HostFacts& host) {
  (void)host;  // etcd gets no proxy variables and no CA-trust mounts
  const Context c = KADM_TRY(make_context(cfg));
  if (!c.cluster.etcd.local) {
    return fail(ErrorKind::Validation,
                "no local etcd manifest: the configuration uses external etcd (etcd.external)");
  }
  const auto& local = *c.cluster.etcd.local;
  const std::string node = cfg.node_registration.name;
  const bool ipv6 = is_ipv6(c.advertise);
  const std::string client_url =
      "https://" + join_host_port(c.advertise, constants::kEtcdClientPort);
  const std::string peer_url = "https://" + join_host_port(c.advertise, constants::kEtcdPeerPort);
  const std::string loopback = ipv6 ? "::1" : "127.0.0.1";
  const std::string data_dir =
      local.data_dir.empty() ? std::string(constants::kDefaultEtcdDataDir) : local.data_dir;

  std::map<std::string, std::string> d = {
      {"advertise-client-urls", client_url},
      {"cert-file", pki_path(c, "etcd/server.crt")},
      {"client-cert-auth", "true"},
      {"data-dir", data_dir},
      {"initial-advertise-peer-urls", peer_url},
      {"key-file", pki_path(c, "etcd/server.key")},
      {"listen-client-urls",
       "https://" + join_host_port(loopback, constants::kEtcdClientPort) + "," + client_url},
      {"listen-metrics-urls", "http://" + join_host_port(loopback, constants::kEtcdMetricsPort)},
      {"listen-peer-urls", peer_url},
      {"name", node},
      {"peer-cert-file", pki_path(c, "etcd/peer.crt")},
      {"peer-client-cert-auth", "true"},
      {"peer-key-file", pki_path(c, "etcd/peer.key")},
      {"peer-trusted-ca-file", pki_path(c, "etcd/ca.crt")},
      {"snapshot-count", "10000"},
      {"trusted-ca-file", pki_path(c, "etcd/ca.crt")},
  };
  switch (c.row.etcd_flags) {
    case EtcdFlagStyle::None:
      break;
    case EtcdFlagStyle::Experimental:
      d["experimental-initial-corrupt-check"] = "true";
      d["experimental-watch-progress-notify-interval"] = "5s";
      break;
    case EtcdFlagStyle::FeatureGate:
      d["feature-gates"] = "InitialCorruptCheck=true";
      d["watch-progress-notify-interval"] = "5s";
      break;
  }
  if (initial_cluster.empty()) {
    d["initial-cluster"] = node + "=" + peer_url;
  } else {
    std::vector<std::string> members;
    for (const auto& mbr : initial_cluster) members.push_back(mbr.name + "=" + mbr.peer_url);
    d["initial-cluster"] = str::join(members, ",");
    d["initial-cluster-state"] = "existing";
  }

  Container k;
  k.name = "etcd";
  k.command = command("etcd", d, local.extra_args, c.row);
  k.env = merge_env({}, local.extra_envs);
  k.image = etcd_image(c.cluster, c.row);
  const ProbeEndpoint ep = etcd_probe_endpoint(local.extra_args, ipv6);
  switch (c.row.etcd_probes) {
    case EtcdProbeStyle::Health:
      k.liveness_probe = probe(c, ProbeKind::Liveness, ep.host, "/health", ep.port, ep.scheme);
      k.startup_probe = probe(c, ProbeKind::Startup, ep.host, "/health", ep.port, ep.scheme);
      break;
    case EtcdProbeStyle::HealthSerializable:
      k.liveness_probe = probe(c, ProbeKind::Liveness, ep.host,
                               "/health?exclude=NOSPACE&serializable=true", ep.port, ep.scheme);
      k.startup_probe =
          probe(c, ProbeKind::Startup, ep.host, "/health?serializable=false", ep.port, ep.scheme);
      break;
    case EtcdProbeStyle::LivezReadyz:
      k.liveness_probe = probe(c, ProbeKind::Liveness, ep.host, "/livez", ep.port, ep.scheme);
      k.readiness_probe = probe(c, ProbeKind::Readiness, ep.host, "/readyz", ep.port, ep.scheme);
      k.startup_probe = probe(c, ProbeKind::Startup, ep.host, "/readyz", ep.port, ep.scheme);
      break;
  }
  add_probe_port(c, k, ep.port);
  if (c.row.etcd_resource_requests) k.resource_requests = {{"cpu", "100m"}, {"memory", "100Mi"}};

  Mounts m;
  m.add_same("etcd-data", data_dir, false, "DirectoryOrCreate");
  m.add_same("etcd-certs", pki_path(c, "etcd"), false, "DirectoryOrCreate");

  Pod pod = component_pod(c, std::move(k),
                          {{"kubeadm.kubernetes.io/etcd.advertise-client-urls", client_url}});
  m.apply(pod);
  return pod;
}

}  // namespace kadm::manifests
