// The JoinConfiguration table (schema.h).
#include "config/schema.h"

namespace kadm::config::schema {

namespace {

const Rows<BootstrapTokenDiscovery>& bootstrap_token_discovery() {
  using B = BootstrapTokenDiscovery;
  static const Rows<B> rows = {
      field("token", &B::token),
      field("apiServerEndpoint", &B::api_server_endpoint),
      field("caCertHashes", &B::ca_cert_hashes),
      field("unsafeSkipCAVerification", &B::unsafe_skip_ca_verification),
  };
  return rows;
}

const Rows<FileDiscovery>& file_discovery() {
  static const Rows<FileDiscovery> rows = {
      field("kubeConfigPath", &FileDiscovery::kube_config_path, Print::Always),
  };
  return rows;
}

const Rows<Discovery>& discovery() {
  static const Rows<Discovery> rows = {
      optional_object("bootstrapToken", &Discovery::bootstrap_token, &bootstrap_token_discovery),
      optional_object("file", &Discovery::file, &file_discovery),
      field("tlsBootstrapToken", &Discovery::tls_bootstrap_token),
      legacy<Discovery>("timeout", &Legacy::discovery_timeout, until(ApiVersion::V1Beta3),
                        "JoinConfiguration timeouts.discovery"),
  };
  return rows;
}

const Rows<JoinControlPlane>& join_control_plane() {
  static const Rows<JoinControlPlane> rows = {
      object("localAPIEndpoint", &JoinControlPlane::local_api_endpoint, &api_endpoint),
      field("certificateKey", &JoinControlPlane::certificate_key),
  };
  return rows;
}

}  // namespace

const Rows<JoinConfiguration>& join() {
  using J = JoinConfiguration;
  static const Rows<J> rows = concat(
      Rows<J>{
          object("nodeRegistration", &J::node_registration, &node_registration),
          field("caCertPath", &J::ca_cert_path),
          object("discovery", &J::discovery, &discovery),
          optional_object("controlPlane", &J::control_plane, &join_control_plane),
      },
      command_tail<J>());
  return rows;
}

}  // namespace kadm::config::schema
