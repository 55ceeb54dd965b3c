#include "preflight/check_sets.h"

#include <set>

#include "common/constants.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "preflight/checks.h"
#include "preflight/cri_checks.h"

namespace kadm::preflight {

namespace {

constexpr int kControlPlaneCPUs = 2;
constexpr std::uint64_t kControlPlaneMemMB = 1700;

// Optional host tools: a missing one is a warning, the rest are errors.
struct Tool {
  const char* name;
  Severity severity;
  int until_minor;  // checked for targets below this minor; 0 = always
};
constexpr Tool kTools[] = {
    {"crictl", Severity::Error, 0},     {"conntrack", Severity::Error, 32},
    {"ip", Severity::Error, 0},         {"iptables", Severity::Error, 0},
    {"mount", Severity::Error, 0},      {"nsenter", Severity::Error, 0},
    {"ebtables", Severity::Warning, 0}, {"ethtool", Severity::Warning, 0},
    {"socat", Severity::Warning, 0},    {"tc", Severity::Warning, 0},
    {"touch", Severity::Warning, 0},
};

std::string manifest_path(std::string_view file) {
  return std::string(constants::kKubernetesDir) + "/" + std::string(constants::kManifestsSubdir) +
         "/" + std::string(file);
}

bool any_v6(std::initializer_list<std::string_view> texts) {
  for (auto t : texts) {
    if (t.find(':') != std::string_view::npos) return true;
  }
  return false;
}

bool any_v4(std::initializer_list<std::string_view> texts) {
  for (auto t : texts) {
    for (const auto& part : str::split(t, ',')) {
      if (part.find('.') != std::string::npos && part.find(':') == std::string::npos) return true;
    }
  }
  return false;
}

// Checks every node runs (kubeadm's "common" checks) plus kadm's host-preparation checks.
// `kubelet_swap`: what the KubeletConfiguration this run writes says about swap (init); nullopt
// for a join, which reads the cluster's after preflight.
void add_node_checks(std::vector<Check>& checks, const config::NodeRegistration& node,
                     config::KubeVersion target, bool target_known, bool ipv4, bool ipv6,
                     const CheckSetOptions& options,
                     std::optional<Result<kubelet::SwapSettings>> kubelet_swap = std::nullopt) {
  auto cri_probe = options.cri_probe ? options.cri_probe
                                     : make_cri_probe(node.cri_socket, options.cri_connector);
  checks.push_back(cri_check(cri_probe));
  // kubeadm asks for RuntimeConfig since the kubelets that read the cgroup driver from it.
  if (target.at_least(1, 32)) checks.push_back(container_runtime_version(cri_probe));
  checks.push_back(swap(target, std::move(kubelet_swap)));
  for (const auto& tool : kTools) {
    if (tool.until_minor == 0 || !target.at_least(1, tool.until_minor)) {
      checks.push_back(in_path(tool.name, tool.severity));
    }
  }
  checks.push_back(system_verification());
  checks.push_back(hostname(node.name, !node.name.empty()));
  checks.push_back(kubelet_version(target, target_known));
  checks.push_back(service_kubelet());
  checks.push_back(port_open(constants::kKubeletPort));
  // kubeadm dropped the bridge check in v1.30 (spec §8.2).
  if (!target.at_least(1, 30)) {
    checks.push_back(file_content("/proc/sys/net/bridge/bridge-nf-call-iptables", "1",
                                  "net.bridge.bridge-nf-call-iptables"));
    if (ipv6) {
      checks.push_back(file_content("/proc/sys/net/bridge/bridge-nf-call-ip6tables", "1",
                                    "net.bridge.bridge-nf-call-ip6tables"));
    }
  }
  if (ipv4) {
    checks.push_back(file_content("/proc/sys/net/ipv4/ip_forward", "1", "net.ipv4.ip_forward"));
  }
  if (ipv6) {
    checks.push_back(file_content("/proc/sys/net/ipv6/conf/default/forwarding", "1",
                                  "net.ipv6.conf.default.forwarding"));
  }
  checks.push_back(swap_fstab());
  checks.push_back(selinux());
  checks.push_back(bridge_netfilter());
  for (const auto& key : required_sysctls()) checks.push_back(sysctl(key));
  checks.push_back(options.planned_kubelet_cgroup_driver
                       ? cgroup_driver(*options.planned_kubelet_cgroup_driver, cri_probe, true)
                       : cgroup_driver(options.kubelet_cgroup_driver, cri_probe));
}

int bind_port(const config::APIEndpoint& e) {
  return e.bind_port ? e.bind_port : constants::kAPIServerPort;
}

void add_control_plane_checks(std::vector<Check>& checks, const config::InitConfiguration& cfg,
                              config::KubeVersion target) {
  const auto& cluster = cfg.cluster;
  std::string version =
      cluster.kubernetes_version.empty() ? target.str() : cluster.kubernetes_version;
  checks.push_back(num_cpu(kControlPlaneCPUs));
  checks.push_back(mem(kControlPlaneMemMB));
  checks.push_back(kubernetes_version(version, newest_supported_version()));
  int port = bind_port(cfg.local_api_endpoint);
  checks.push_back(firewalld({port, constants::kKubeletPort}));
  checks.push_back(port_open(port));
  checks.push_back(port_open(constants::kSchedulerPort));
  checks.push_back(port_open(constants::kControllerManagerPort));
  for (auto file : {"kube-apiserver.yaml", "kube-controller-manager.yaml", "kube-scheduler.yaml",
                    "etcd.yaml"}) {
    checks.push_back(file_available(manifest_path(file)));
  }
  if (!cfg.local_api_endpoint.advertise_address.empty()) {
    checks.push_back(http_proxy(cfg.local_api_endpoint.advertise_address));
  }
  std::vector<std::string> cidrs;
  for (const auto* list : {&cluster.networking.service_subnet, &cluster.networking.pod_subnet}) {
    for (const auto& c : str::split(*list, ',')) cidrs.push_back(str::trim(c));
  }
  if (!cidrs.empty()) checks.push_back(http_proxy_cidr(cidrs));
}

// Where etcd will listen: the advertise address, unless the API server's extra args say
// otherwise (as kubeadm does).
std::string etcd_address(const config::InitConfiguration& cfg) {
  std::string address = cfg.local_api_endpoint.advertise_address;
  for (const auto& arg : cfg.cluster.api_server.extra_args) {
    if (arg.name == "advertise-address" && !arg.value.empty()) address = arg.value;
  }
  return address;
}

// kubeadm: the first control plane checks the external etcd's version; every control plane
// checks the client files, except a joining one that downloads them later (--certificate-key).
void add_etcd_checks(std::vector<Check>& checks, const config::InitConfiguration& cfg,
                     config::KubeVersion target, bool secondary, bool download_certs,
                     const CheckSetOptions& options) {
  const auto& cluster = cfg.cluster;
  if (cluster.etcd.external) {
    if (!(secondary && download_certs)) {
      checks.push_back(external_etcd_client_certificates(*cluster.etcd.external));
    }
    if (!secondary) {
      checks.push_back(
          external_etcd_version(*cluster.etcd.external, target, options.external_etcd));
    }
    return;
  }
  std::string address = etcd_address(cfg);
  checks.push_back(port_open(constants::kEtcdClientPort, address));
  checks.push_back(port_open(constants::kEtcdPeerPort, address));
  checks.push_back(dir_available(config::etcd_data_dir_or_default(cluster)));
}

}  // namespace

Result<kubelet::SwapSettings> kubelet_swap_settings(const config::InitConfiguration& cfg,
                                                    config::KubeVersion target) {
  auto inputs = KADM_TRY_CTX(kubelet::init_kubelet_inputs(cfg), "the kubelet configuration");
  auto yaml = KADM_TRY(kubelet::kubelet_config_yaml(inputs, target));
  return kubelet::swap_settings(yaml);
}

const config::KubeVersion& newest_supported_version() {
  static const config::KubeVersion v =
      config::parse_kube_version(config::default_kubernetes_version()).value();
  return v;
}

std::vector<Check> init_checks(const config::InitConfiguration& cfg, config::KubeVersion target,
                               const CheckSetOptions& options) {
  std::vector<Check> checks{is_privileged_user()};
  add_control_plane_checks(checks, cfg, target);
  const auto& n = cfg.cluster.networking;
  const auto& adv = cfg.local_api_endpoint.advertise_address;
  bool v6 = any_v6({n.service_subnet, n.pod_subnet, adv});
  bool v4 = any_v4({n.service_subnet, n.pod_subnet, adv}) || !v6;
  add_node_checks(checks, cfg.node_registration, target, true, v4, v6, options,
                  kubelet_swap_settings(cfg, target));
  add_etcd_checks(checks, cfg, target, /*secondary=*/false, /*download_certs=*/false, options);
  if (!n.service_subnet.empty()) checks.push_back(network_overlap(n.pod_subnet, n.service_subnet));
  return checks;
}

std::vector<Check> secondary_control_plane_checks(const config::InitConfiguration& cfg,
                                                  config::KubeVersion target, bool download_certs) {
  std::vector<Check> checks;
  add_control_plane_checks(checks, cfg, target);
  add_etcd_checks(checks, cfg, target, /*secondary=*/true, download_certs, {});
  return checks;
}

std::vector<Check> join_checks(const config::JoinConfiguration& cfg, config::KubeVersion target,
                               const config::ClusterConfiguration* cluster,
                               const CheckSetOptions& options) {
  auto checks = join_node_checks(cfg, target, options);
  if (cfg.control_plane) {
    config::InitConfiguration init;
    if (cluster) init.cluster = *cluster;
    init.node_registration = cfg.node_registration;
    init.local_api_endpoint = cfg.control_plane->local_api_endpoint;
    bool download = !cfg.control_plane->certificate_key.empty();
    for (auto& c : secondary_control_plane_checks(init, target, download)) {
      checks.push_back(std::move(c));
    }
  }
  return checks;
}

std::vector<Check> join_node_checks(const config::JoinConfiguration& cfg,
                                    config::KubeVersion target, const CheckSetOptions& options) {
  std::vector<Check> checks{is_privileged_user()};
  std::string kdir(constants::kKubernetesDir);
  checks.push_back(dir_available(kdir + "/" + std::string(constants::kManifestsSubdir)));
  checks.push_back(file_available(kdir + "/" + std::string(constants::kKubeletConf)));
  checks.push_back(file_available(kdir + "/" + std::string(constants::kBootstrapKubeletConf)));
  std::string endpoint;
  if (cfg.discovery.bootstrap_token) endpoint = cfg.discovery.bootstrap_token->api_server_endpoint;
  if (!endpoint.empty()) checks.push_back(http_proxy(endpoint));
  std::string adv =
      cfg.control_plane ? cfg.control_plane->local_api_endpoint.advertise_address : "";
  bool v6 = endpoint.find('[') != std::string::npos || adv.find(':') != std::string::npos;
  add_node_checks(checks, cfg.node_registration, target, false, true, v6, options);
  if (!cfg.control_plane) {
    std::string ca = cfg.ca_cert_path.empty()
                         ? std::string(constants::kDefaultCertificatesDir) + "/ca.crt"
                         : cfg.ca_cert_path;
    checks.push_back(file_available(ca));
  }
  return checks;
}

bool is_known_check_name(std::string_view name) {
  // kubeadm checks kadm does not run (image pulls happen later; docker-era checks), still
  // accepted so scripts that ignore them keep working silently.
  static const std::set<std::string> kFixed = {
      "isprivilegeduser", "numcpu", "mem", "kubernetesversion", "firewalld", "httpproxy",
      "httpproxycidr", "externaletcdversion", "externaletcdclientcertificates", "cri",
      "containerruntimeversion", "swap", "systemverification", "hostname", "kubeletversion",
      "service-kubelet", "service-docker", "isdockersystemdcheck", "imagepull", "swapfstab",
      "selinux", "bridgenetfilter", "networkoverlap", "cgroupdriver",
      // kadm upgrade apply
      "corednsunsupportedplugins", "corednsmigration", "createjob", "controlplanenodesready",
      "staticpodmanifest", "all"};
  static const std::string_view kPrefixes[] = {"port-",         "fileavailable-", "diravailable-",
                                               "fileexisting-", "filecontent-",   "sysctl-"};
  auto lower = str::lower(name);
  if (kFixed.contains(lower)) return true;
  for (auto p : kPrefixes) {
    if (str::starts_with(lower, p) && lower.size() > p.size()) return true;
  }
  return false;
}

}  // namespace kadm::preflight
