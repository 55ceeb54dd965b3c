#include "config/print.h"

#include "config/binding.h"
#include "config/defaults.h"
#include "config/schema.h"
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

using Y = YamlValue;

// One v1beta4 document of `kind`, its fields printed by the kind's table.
template <class T>
std::string document(std::string_view kind, const Rows<T>& rows, const T& value) {
  Y m = print_rows(rows, value);
  m["apiVersion"] = Y::str(std::string(kApiVersion));
  m["kind"] = Y::str(std::string(kind));
  return m.dump();
}

}  // namespace

std::string cluster_configuration_yaml(const ClusterConfiguration& c) {
  return document("ClusterConfiguration", schema::cluster(), c);
}

std::string init_configuration_yaml(const InitConfiguration& c) {
  return document("InitConfiguration", schema::init(), c);
}

std::string join_configuration_yaml(const JoinConfiguration& c) {
  return document("JoinConfiguration", schema::join(), c);
}

std::string reset_configuration_yaml(const ResetConfiguration& c) {
  return document("ResetConfiguration", schema::reset(), c);
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
