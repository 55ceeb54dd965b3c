#pragma once
// kadm's internal configuration model: one set of plain structs that every supported
// kubeadm.k8s.io version (v1beta2, v1beta3, v1beta4) is read into. Defaults live in
// defaults.cpp, validation in validate.cpp; nothing else decides a default.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.h"

namespace kadm::config {

struct Arg {
  std::string name;
  std::string value;
  bool operator==(const Arg&) const = default;
};

struct EnvVar {
  std::string name;
  std::string value;
  bool operator==(const EnvVar&) const = default;
};

struct HostPathMount {
  std::string name;
  std::string host_path;
  std::string mount_path;
  bool read_only = false;
  std::string path_type;  // "", DirectoryOrCreate, Directory, FileOrCreate, File, ...
  bool operator==(const HostPathMount&) const = default;
};

struct ControlPlaneComponent {
  std::vector<Arg> extra_args;  // ordered; later entries override earlier ones of the same name
  std::vector<HostPathMount> extra_volumes;
  std::vector<EnvVar> extra_envs;
  bool operator==(const ControlPlaneComponent&) const = default;
};

struct APIServer : ControlPlaneComponent {
  std::vector<std::string> cert_sans;
  bool operator==(const APIServer&) const = default;
};

struct LocalEtcd {
  std::string image_repository;
  std::string image_tag;
  std::string data_dir;
  std::vector<Arg> extra_args;
  std::vector<EnvVar> extra_envs;
  std::vector<std::string> server_cert_sans;
  std::vector<std::string> peer_cert_sans;
  bool operator==(const LocalEtcd&) const = default;
};

struct ExternalEtcd {
  std::vector<std::string> endpoints;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool operator==(const ExternalEtcd&) const = default;
};

struct Etcd {
  std::optional<LocalEtcd> local;  // exactly one of local / external is set after defaults
  std::optional<ExternalEtcd> external;
  bool operator==(const Etcd&) const = default;
};

struct Networking {
  std::string service_subnet;
  std::string pod_subnet;
  std::string dns_domain;
  bool operator==(const Networking&) const = default;
};

struct DNS {
  std::string image_repository;
  std::string image_tag;
  bool disabled = false;
  bool operator==(const DNS&) const = default;
};

struct Proxy {
  bool disabled = false;
  bool operator==(const Proxy&) const = default;
};

enum class EncryptionAlgorithm { RSA2048, RSA3072, RSA4096, ECDSAP256, ECDSAP384 };

struct ClusterConfiguration {
  Etcd etcd;
  Networking networking;
  std::string kubernetes_version;  // as given ("v1.37.2", "1.20.9", "stable-1")
  std::string control_plane_endpoint;
  APIServer api_server;
  ControlPlaneComponent controller_manager;
  ControlPlaneComponent scheduler;
  DNS dns;
  Proxy proxy;
  std::string certificates_dir;
  std::string image_repository;
  std::map<std::string, bool> feature_gates;
  std::string cluster_name;
  EncryptionAlgorithm encryption_algorithm = EncryptionAlgorithm::RSA2048;
  Duration certificate_validity_period{};
  Duration ca_certificate_validity_period{};
  bool operator==(const ClusterConfiguration&) const = default;
};

struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // NoSchedule, PreferNoSchedule, NoExecute
  bool operator==(const Taint&) const = default;
};

struct NodeRegistration {
  std::string name;
  std::string cri_socket;
  // nullopt = "not specified" (control planes get the default taint); empty = no taints.
  std::optional<std::vector<Taint>> taints;
  std::vector<Arg> kubelet_extra_args;
  std::vector<std::string> ignore_preflight_errors;
  std::string image_pull_policy;  // Always | IfNotPresent | Never
  bool image_pull_serial = true;
  bool operator==(const NodeRegistration&) const = default;
};

struct APIEndpoint {
  std::string advertise_address;
  int bind_port = 0;
  bool operator==(const APIEndpoint&) const = default;
};

struct BootstrapToken {
  std::string token;  // "<id>.<secret>"; empty = generate
  std::string description;
  std::optional<Duration> ttl;
  std::optional<std::chrono::system_clock::time_point> expires;
  std::vector<std::string> usages;
  std::vector<std::string> groups;
  bool operator==(const BootstrapToken&) const = default;
};

struct Timeouts {
  Duration control_plane_component_health_check{};
  Duration kubelet_health_check{};
  Duration kubernetes_api_call{};
  Duration etcd_api_call{};
  Duration tls_bootstrap{};
  Duration discovery{};
  Duration upgrade_manifests{};
  bool operator==(const Timeouts&) const = default;
};

struct InitConfiguration {
  std::vector<BootstrapToken> bootstrap_tokens;
  bool dry_run = false;
  NodeRegistration node_registration;
  APIEndpoint local_api_endpoint;
  std::string certificate_key;
  std::vector<std::string> skip_phases;
  std::string patches_directory;
  Timeouts timeouts;
  ClusterConfiguration cluster;  // the ClusterConfiguration document (or defaults)
  // A KubeletConfiguration document given with --config, verbatim ("" if none): kubelet-start
  // merges it over kadm's defaults, and preflight reads the result (failSwapOn).
  std::string kubelet_configuration;
  bool operator==(const InitConfiguration&) const = default;
};

struct BootstrapTokenDiscovery {
  std::string token;
  std::string api_server_endpoint;
  std::vector<std::string> ca_cert_hashes;
  bool unsafe_skip_ca_verification = false;
  bool operator==(const BootstrapTokenDiscovery&) const = default;
};

struct FileDiscovery {
  std::string kube_config_path;
  bool operator==(const FileDiscovery&) const = default;
};

struct Discovery {
  std::optional<BootstrapTokenDiscovery> bootstrap_token;
  std::optional<FileDiscovery> file;
  std::string tls_bootstrap_token;
  bool operator==(const Discovery&) const = default;
};

struct JoinControlPlane {
  APIEndpoint local_api_endpoint;
  std::string certificate_key;
  bool operator==(const JoinControlPlane&) const = default;
};

struct JoinConfiguration {
  bool dry_run = false;
  NodeRegistration node_registration;
  std::string ca_cert_path;
  Discovery discovery;
  std::optional<JoinControlPlane> control_plane;
  std::vector<std::string> skip_phases;
  std::string patches_directory;
  Timeouts timeouts;
  bool operator==(const JoinConfiguration&) const = default;
};

struct ResetConfiguration {
  bool cleanup_tmp_dir = false;
  std::string certificates_dir;
  std::string cri_socket;
  bool dry_run = false;
  bool force = false;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
  std::vector<std::string> unmount_flags;
  Timeouts timeouts;
  bool operator==(const ResetConfiguration&) const = default;
};

// Where a configuration came from, for messages ("v1beta3 InitConfiguration at line 4").
enum class ApiVersion { V1Beta2, V1Beta3, V1Beta4 };

}  // namespace kadm::config
