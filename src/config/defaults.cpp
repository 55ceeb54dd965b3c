#include "config/defaults.h"

#include <array>

#include "common/constants.h"
#include "common/strings.h"
#include "config/version.h"

namespace kadm::config {

namespace {

std::vector<Taint> default_control_plane_taints(const KubeVersion& v) {
  std::vector<Taint> taints;
  for (auto key : control_plane_taint_keys(v))
    taints.push_back({std::string(key), "", "NoSchedule"});
  return taints;
}

using namespace std::chrono_literals;

// The only spelling of kubeadm's default registry in kadm.
constexpr std::string_view kDefaultImageRepository = "registry.k8s.io";

// kubeadm defaults to the label "stable-1" and asks dl.k8s.io which release that is. kadm never
// reaches the internet, so the default is the newest release kadm knows how to install.
constexpr std::string_view kDefaultKubernetesVersion = "v1.37.2";

KubeVersion newest() {
  static const KubeVersion v = parse_kube_version(kDefaultKubernetesVersion).value();
  return v;
}

constexpr std::string_view kDefaultCriSocket = "unix:///var/run/containerd/containerd.sock";
constexpr std::string_view kDefaultImagePullPolicy = "IfNotPresent";
constexpr std::string_view kFileUrlPrefix = "file://";
constexpr Duration kDefaultTokenTTL = 24h;
constexpr Duration kCertificateValidity = 8760h;
constexpr Duration kCaCertificateValidity = 87600h;

constexpr std::array<std::string_view, 4> kVersionLabels = {"stable", "stable-1", "latest",
                                                            "latest-1"};

struct TimeoutDefault {
  Duration Timeouts::*field;
  Duration value;
};
constexpr std::array<TimeoutDefault, 7> kTimeoutDefaults = {{
    {&Timeouts::control_plane_component_health_check, 4min},
    {&Timeouts::kubelet_health_check, 4min},
    {&Timeouts::kubernetes_api_call, 1min},
    {&Timeouts::etcd_api_call, 2min},
    {&Timeouts::tls_bootstrap, 5min},
    {&Timeouts::discovery, 5min},
    {&Timeouts::upgrade_manifests, 5min},
}};

void default_string(std::string& field, std::string_view value) {
  if (field.empty()) field = value;
}

void set_timeouts_defaults(Timeouts& t) {
  for (const auto& d : kTimeoutDefaults) {
    if ((t.*d.field) == Duration{}) t.*d.field = d.value;
  }
}

void set_node_registration_defaults(NodeRegistration& n) {
  default_string(n.cri_socket, kDefaultCriSocket);
  default_string(n.image_pull_policy, kDefaultImagePullPolicy);
}

void set_api_endpoint_defaults(APIEndpoint& e) {
  if (e.bind_port == 0) e.bind_port = constants::kAPIServerPort;
}

void set_bootstrap_token_defaults(BootstrapToken& t) {
  if (!t.ttl && !t.expires) t.ttl = kDefaultTokenTTL;
  if (t.usages.empty()) t.usages = {"signing", "authentication"};
  if (t.groups.empty()) t.groups = {std::string(constants::kDefaultTokenGroup)};
}

void set_cluster_defaults(ClusterConfiguration& c) {
  default_string(c.networking.service_subnet, constants::kDefaultServiceSubnet);
  default_string(c.networking.dns_domain, constants::kDefaultDNSDomain);
  default_string(c.certificates_dir, constants::kDefaultCertificatesDir);
  default_string(c.image_repository, kDefaultImageRepository);
  default_string(c.cluster_name, constants::kDefaultClusterName);
  default_string(c.kubernetes_version, kDefaultKubernetesVersion);
  if (c.certificate_validity_period == Duration{})
    c.certificate_validity_period = kCertificateValidity;
  if (c.ca_certificate_validity_period == Duration{}) {
    c.ca_certificate_validity_period = kCaCertificateValidity;
  }
  if (!c.etcd.local && !c.etcd.external) c.etcd.local.emplace();
  if (c.etcd.local) default_string(c.etcd.local->data_dir, constants::kDefaultEtcdDataDir);
}

std::string strip_file_url(const std::string& path) {
  return str::starts_with(path, kFileUrlPrefix) ? path.substr(kFileUrlPrefix.size()) : path;
}

Status default_advertise_address(APIEndpoint& e, const AddressDetector& detect) {
  if (!e.advertise_address.empty()) return {};
  if (!detect) {
    return fail(ErrorKind::Validation,
                "no advertise address given and no way to detect one: pass "
                "--apiserver-advertise-address");
  }
  e.advertise_address = KADM_TRY_CTX(detect(), "choose the API server advertise address");
  return {};
}

}  // namespace

std::string certificates_dir_or_default(const ClusterConfiguration& cluster) {
  return cluster.certificates_dir.empty() ? std::string(constants::kDefaultCertificatesDir)
                                          : cluster.certificates_dir;
}

std::string etcd_data_dir_or_default(const ClusterConfiguration& cluster) {
  return cluster.etcd.local && !cluster.etcd.local->data_dir.empty()
             ? cluster.etcd.local->data_dir
             : std::string(constants::kDefaultEtcdDataDir);
}

std::string_view default_image_repository() { return kDefaultImageRepository; }
std::string_view default_kubernetes_version() { return kDefaultKubernetesVersion; }

bool is_version_label(std::string_view version) {
  for (auto label : kVersionLabels) {
    if (version == label) return true;
  }
  return false;
}

void set_init_defaults(InitConfiguration& cfg) {
  set_cluster_defaults(cfg.cluster);
  set_node_registration_defaults(cfg.node_registration);
  set_api_endpoint_defaults(cfg.local_api_endpoint);
  set_timeouts_defaults(cfg.timeouts);
  if (cfg.bootstrap_tokens.empty()) cfg.bootstrap_tokens.emplace_back();
  for (auto& t : cfg.bootstrap_tokens) set_bootstrap_token_defaults(t);
}

void set_join_defaults(JoinConfiguration& cfg) {
  set_node_registration_defaults(cfg.node_registration);
  set_timeouts_defaults(cfg.timeouts);
  default_string(cfg.ca_cert_path, std::string(constants::kDefaultCertificatesDir) + "/ca.crt");
  auto& d = cfg.discovery;
  if (d.bootstrap_token) default_string(d.tls_bootstrap_token, d.bootstrap_token->token);
  if (d.file) d.file->kube_config_path = strip_file_url(d.file->kube_config_path);
  if (cfg.control_plane) set_api_endpoint_defaults(cfg.control_plane->local_api_endpoint);
}

void set_reset_defaults(ResetConfiguration& cfg) {
  default_string(cfg.certificates_dir, constants::kDefaultCertificatesDir);
  set_timeouts_defaults(cfg.timeouts);
}

Status set_init_dynamic_defaults(InitConfiguration& cfg, std::string_view hostname,
                                 const AddressDetector& detect) {
  if (is_version_label(cfg.cluster.kubernetes_version)) {
    cfg.cluster.kubernetes_version = kDefaultKubernetesVersion;
  }
  default_string(cfg.node_registration.name, str::lower(str::trim(hostname)));
  if (!cfg.node_registration.taints) {
    // An unparsable version is refused by validation later; until then it is the current one.
    auto version = parse_kube_version(cfg.cluster.kubernetes_version);
    cfg.node_registration.taints = default_control_plane_taints(version ? *version : newest());
  }
  return default_advertise_address(cfg.local_api_endpoint, detect);
}

Status set_join_dynamic_defaults(JoinConfiguration& cfg, std::string_view hostname,
                                 const AddressDetector& detect) {
  default_string(cfg.node_registration.name, str::lower(str::trim(hostname)));
  if (!cfg.control_plane) return {};
  // The cluster's version is not known before discovery: a joining control plane gets the
  // current default taint unless the configuration names its taints.
  if (!cfg.node_registration.taints) {
    cfg.node_registration.taints = default_control_plane_taints(newest());
  }
  return default_advertise_address(cfg.control_plane->local_api_endpoint, detect);
}

}  // namespace kadm::config
