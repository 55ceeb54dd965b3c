#include "config/print.h"

#include <array>

#include "common/time_format.h"
#include "config/defaults.h"
#include "config/version.h"
#include "config/yaml_tree.h"

namespace kadm::config {

namespace {

constexpr std::string_view kApiVersion = "kubeadm.k8s.io/v1beta4";
// kubeadm's own placeholders in `config print`, so the output is recognisably a template.
constexpr std::string_view kPlaceholderToken = "abcdef.0123456789abcdef";
constexpr std::string_view kPlaceholderAddress = "1.2.3.4";
constexpr std::string_view kPlaceholderNodeName = "node";
constexpr std::string_view kPlaceholderApiServerEndpoint = "kube-apiserver:6443";

constexpr std::array<std::string_view, 5> kAlgorithmNames = {"RSA-2048", "RSA-3072", "RSA-4096",
                                                             "ECDSA-P256", "ECDSA-P384"};

using Y = YamlValue;

void set_str(Y& m, const std::string& key, const std::string& v) {
  if (!v.empty()) m[key] = Y::str(v);
}
void set_bool(Y& m, const std::string& key, bool v) {
  if (v) m[key] = Y::raw("true");
}
void set_int(Y& m, const std::string& key, int v) {
  if (v != 0) m[key] = Y::raw(std::to_string(v));
}
void set_duration(Y& m, const std::string& key, Duration d) {
  if (d != Duration{}) m[key] = Y::str(format_duration(d));
}
void set_strings(Y& m, const std::string& key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  auto& list = m[key] = Y::list();
  for (const auto& s : v) list.push(Y::str(s));
}

void set_args(Y& m, const std::string& key, const std::vector<Arg>& args) {
  if (args.empty()) return;
  auto& list = m[key] = Y::list();
  for (const auto& a : args) {
    auto& item = list.push(Y::map());
    item["name"] = Y::str(a.name);
    item["value"] = Y::str(a.value);
  }
}

void set_envs(Y& m, const std::vector<EnvVar>& envs) {
  if (envs.empty()) return;
  auto& list = m["extraEnvs"] = Y::list();
  for (const auto& e : envs) {
    auto& item = list.push(Y::map());
    item["name"] = Y::str(e.name);
    item["value"] = Y::str(e.value);
  }
}

Y component(const ControlPlaneComponent& c) {
  Y m = Y::map();
  set_args(m, "extraArgs", c.extra_args);
  set_envs(m, c.extra_envs);
  if (!c.extra_volumes.empty()) {
    auto& list = m["extraVolumes"] = Y::list();
    for (const auto& v : c.extra_volumes) {
      auto& item = list.push(Y::map());
      item["name"] = Y::str(v.name);
      item["hostPath"] = Y::str(v.host_path);
      item["mountPath"] = Y::str(v.mount_path);
      set_bool(item, "readOnly", v.read_only);
      set_str(item, "pathType", v.path_type);
    }
  }
  return m;
}

Y timeouts(const Timeouts& t) {
  Y m = Y::map();
  set_duration(m, "controlPlaneComponentHealthCheck", t.control_plane_component_health_check);
  set_duration(m, "kubeletHealthCheck", t.kubelet_health_check);
  set_duration(m, "kubernetesAPICall", t.kubernetes_api_call);
  set_duration(m, "etcdAPICall", t.etcd_api_call);
  set_duration(m, "tlsBootstrap", t.tls_bootstrap);
  set_duration(m, "discovery", t.discovery);
  set_duration(m, "upgradeManifests", t.upgrade_manifests);
  return m;
}

Y node_registration(const NodeRegistration& n) {
  Y m = Y::map();
  set_str(m, "name", n.name);
  set_str(m, "criSocket", n.cri_socket);
  set_str(m, "imagePullPolicy", n.image_pull_policy);
  m["imagePullSerial"] = Y::raw(n.image_pull_serial ? "true" : "false");
  set_args(m, "kubeletExtraArgs", n.kubelet_extra_args);
  set_strings(m, "ignorePreflightErrors", n.ignore_preflight_errors);
  // Always written: null means "not specified" (control planes get the default taint).
  auto& taints = m["taints"];
  if (n.taints) {
    taints = Y::list();
    for (const auto& t : *n.taints) {
      auto& item = taints.push(Y::map());
      item["key"] = Y::str(t.key);
      set_str(item, "value", t.value);
      item["effect"] = Y::str(t.effect);
    }
  }
  return m;
}

Y api_endpoint(const APIEndpoint& e) {
  Y m = Y::map();
  set_str(m, "advertiseAddress", e.advertise_address);
  set_int(m, "bindPort", e.bind_port);
  return m;
}

Y header(std::string_view kind) {
  Y m = Y::map();
  m["apiVersion"] = Y::str(std::string(kApiVersion));
  m["kind"] = Y::str(std::string(kind));
  return m;
}

void set_tail(Y& m, const std::vector<std::string>& skip_phases, const std::string& patches,
              bool dry_run, const Timeouts& t) {
  set_strings(m, "skipPhases", skip_phases);
  if (!patches.empty()) m["patches"]["directory"] = Y::str(patches);
  set_bool(m, "dryRun", dry_run);
  m["timeouts"] = timeouts(t);
}

}  // namespace

std::string cluster_configuration_yaml(const ClusterConfiguration& c) {
  Y m = header("ClusterConfiguration");
  auto& etcd = m["etcd"] = Y::map();
  if (c.etcd.local) {
    auto& l = etcd["local"] = Y::map();
    set_str(l, "dataDir", c.etcd.local->data_dir);
    set_str(l, "imageRepository", c.etcd.local->image_repository);
    set_str(l, "imageTag", c.etcd.local->image_tag);
    set_args(l, "extraArgs", c.etcd.local->extra_args);
    set_envs(l, c.etcd.local->extra_envs);
    set_strings(l, "serverCertSANs", c.etcd.local->server_cert_sans);
    set_strings(l, "peerCertSANs", c.etcd.local->peer_cert_sans);
  }
  if (c.etcd.external) {
    auto& x = etcd["external"] = Y::map();
    auto& endpoints = x["endpoints"] = Y::list();
    for (const auto& e : c.etcd.external->endpoints) endpoints.push(Y::str(e));
    set_str(x, "caFile", c.etcd.external->ca_file);
    set_str(x, "certFile", c.etcd.external->cert_file);
    set_str(x, "keyFile", c.etcd.external->key_file);
  }
  auto& net = m["networking"] = Y::map();
  set_str(net, "serviceSubnet", c.networking.service_subnet);
  set_str(net, "podSubnet", c.networking.pod_subnet);
  set_str(net, "dnsDomain", c.networking.dns_domain);
  set_str(m, "kubernetesVersion", c.kubernetes_version);
  set_str(m, "controlPlaneEndpoint", c.control_plane_endpoint);
  auto& api = m["apiServer"] = component(c.api_server);
  set_strings(api, "certSANs", c.api_server.cert_sans);
  m["controllerManager"] = component(c.controller_manager);
  m["scheduler"] = component(c.scheduler);
  auto& dns = m["dns"] = Y::map();
  set_str(dns, "imageRepository", c.dns.image_repository);
  set_str(dns, "imageTag", c.dns.image_tag);
  set_bool(dns, "disabled", c.dns.disabled);
  auto& proxy = m["proxy"] = Y::map();
  set_bool(proxy, "disabled", c.proxy.disabled);
  set_str(m, "certificatesDir", c.certificates_dir);
  set_str(m, "imageRepository", c.image_repository);
  if (!c.feature_gates.empty()) {
    auto& gates = m["featureGates"] = Y::map();
    for (const auto& [name, on] : c.feature_gates) gates[name] = Y::raw(on ? "true" : "false");
  }
  set_str(m, "clusterName", c.cluster_name);
  m["encryptionAlgorithm"] =
      Y::str(std::string(kAlgorithmNames[static_cast<size_t>(c.encryption_algorithm)]));
  set_duration(m, "certificateValidityPeriod", c.certificate_validity_period);
  set_duration(m, "caCertificateValidityPeriod", c.ca_certificate_validity_period);
  return m.dump();
}

std::string init_configuration_yaml(const InitConfiguration& c) {
  Y m = header("InitConfiguration");
  if (!c.bootstrap_tokens.empty()) {
    auto& list = m["bootstrapTokens"] = Y::list();
    for (const auto& t : c.bootstrap_tokens) {
      auto& item = list.push(Y::map());
      set_str(item, "token", t.token);
      set_str(item, "description", t.description);
      if (t.ttl) item["ttl"] = Y::str(format_duration(*t.ttl));
      if (t.expires) item["expires"] = Y::str(format_rfc3339_utc(*t.expires));
      set_strings(item, "usages", t.usages);
      set_strings(item, "groups", t.groups);
    }
  }
  m["nodeRegistration"] = node_registration(c.node_registration);
  m["localAPIEndpoint"] = api_endpoint(c.local_api_endpoint);
  set_str(m, "certificateKey", c.certificate_key);
  set_tail(m, c.skip_phases, c.patches_directory, c.dry_run, c.timeouts);
  return m.dump();
}

std::string join_configuration_yaml(const JoinConfiguration& c) {
  Y m = header("JoinConfiguration");
  m["nodeRegistration"] = node_registration(c.node_registration);
  set_str(m, "caCertPath", c.ca_cert_path);
  auto& d = m["discovery"] = Y::map();
  if (const auto& bt = c.discovery.bootstrap_token) {
    auto& b = d["bootstrapToken"] = Y::map();
    set_str(b, "token", bt->token);
    set_str(b, "apiServerEndpoint", bt->api_server_endpoint);
    set_strings(b, "caCertHashes", bt->ca_cert_hashes);
    set_bool(b, "unsafeSkipCAVerification", bt->unsafe_skip_ca_verification);
  }
  if (c.discovery.file) d["file"]["kubeConfigPath"] = Y::str(c.discovery.file->kube_config_path);
  set_str(d, "tlsBootstrapToken", c.discovery.tls_bootstrap_token);
  if (c.control_plane) {
    auto& cp = m["controlPlane"] = Y::map();
    cp["localAPIEndpoint"] = api_endpoint(c.control_plane->local_api_endpoint);
    set_str(cp, "certificateKey", c.control_plane->certificate_key);
  }
  set_tail(m, c.skip_phases, c.patches_directory, c.dry_run, c.timeouts);
  return m.dump();
}

std::string reset_configuration_yaml(const ResetConfiguration& c) {
  Y m = header("ResetConfiguration");
  set_bool(m, "cleanupTmpDir", c.cleanup_tmp_dir);
  set_str(m, "certificatesDir", c.certificates_dir);
  set_str(m, "criSocket", c.cri_socket);
  set_bool(m, "dryRun", c.dry_run);
  set_bool(m, "force", c.force);
  set_strings(m, "ignorePreflightErrors", c.ignore_preflight_errors);
  set_strings(m, "skipPhases", c.skip_phases);
  set_strings(m, "unmountFlags", c.unmount_flags);
  m["timeouts"] = timeouts(c.timeouts);
  return m.dump();
}

std::string print_init_defaults() {
  InitConfiguration cfg;
  cfg.bootstrap_tokens.emplace_back().token = kPlaceholderToken;
  cfg.local_api_endpoint.advertise_address = kPlaceholderAddress;
  cfg.node_registration.name = kPlaceholderNodeName;
  set_init_defaults(cfg);
  // kubeadm prints its own <major>.<minor>.0 here rather than the resolved default release.
  if (auto v = parse_kube_version(default_kubernetes_version())) {
    cfg.cluster.kubernetes_version =
        std::to_string(v->major) + "." + std::to_string(v->minor) + ".0";
  }
  return init_configuration_yaml(cfg) + "---\n" + cluster_configuration_yaml(cfg.cluster);
}

std::string print_join_defaults() {
  JoinConfiguration cfg;
  cfg.discovery.bootstrap_token =
      BootstrapTokenDiscovery{.token = std::string(kPlaceholderToken),
                              .api_server_endpoint = std::string(kPlaceholderApiServerEndpoint),
                              .ca_cert_hashes = {},
                              .unsafe_skip_ca_verification = true};
  cfg.node_registration.name = kPlaceholderNodeName;
  set_join_defaults(cfg);
  return join_configuration_yaml(cfg);
}

}  // namespace kadm::config
