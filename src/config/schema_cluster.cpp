// The ClusterConfiguration table (schema.h).
#include "config/schema.h"

namespace kadm::config::schema {

namespace {

const Rows<LocalEtcd>& local_etcd() {
  static const Rows<LocalEtcd> rows = {
      field("imageRepository", &LocalEtcd::image_repository),
      field("imageTag", &LocalEtcd::image_tag),
      field("dataDir", &LocalEtcd::data_dir),
      args("extraArgs", &LocalEtcd::extra_args),
      list("extraEnvs", &LocalEtcd::extra_envs, &env_var, since(ApiVersion::V1Beta4)),
      field("serverCertSANs", &LocalEtcd::server_cert_sans),
      field("peerCertSANs", &LocalEtcd::peer_cert_sans),
  };
  return rows;
}

const Rows<ExternalEtcd>& external_etcd() {
  static const Rows<ExternalEtcd> rows = {
      field("endpoints", &ExternalEtcd::endpoints, Print::Always),
      field("caFile", &ExternalEtcd::ca_file),
      field("certFile", &ExternalEtcd::cert_file),
      field("keyFile", &ExternalEtcd::key_file),
  };
  return rows;
}

const Rows<Etcd>& etcd() {
  static const Rows<Etcd> rows = {
      optional_object("local", &Etcd::local, &local_etcd),
      optional_object("external", &Etcd::external, &external_etcd),
  };
  return rows;
}

const Rows<Networking>& networking() {
  static const Rows<Networking> rows = {
      field("serviceSubnet", &Networking::service_subnet),
      field("podSubnet", &Networking::pod_subnet),
      field("dnsDomain", &Networking::dns_domain),
  };
  return rows;
}

const Rows<APIServer>& api_server() {
  static const Rows<APIServer> rows =
      concat(rows_as<APIServer>(control_plane_component()),
             Rows<APIServer>{
                 field("certSANs", &APIServer::cert_sans),
                 legacy<APIServer>("timeoutForControlPlane", &Legacy::timeout_for_control_plane,
                                   until(ApiVersion::V1Beta3),
                                   "InitConfiguration timeouts.controlPlaneComponentHealthCheck"),
             });
  return rows;
}

const Rows<DNS>& dns() {
  static const Rows<DNS> rows = {
      field("imageRepository", &DNS::image_repository),
      field("imageTag", &DNS::image_tag),
      field("disabled", &DNS::disabled, Print::OmitEmpty, since(ApiVersion::V1Beta4)),
      ignored<DNS>("type", "kadm always deploys CoreDNS", only(ApiVersion::V1Beta2)),
  };
  return rows;
}

const Rows<Proxy>& proxy() {
  static const Rows<Proxy> rows = {field("disabled", &Proxy::disabled)};
  return rows;
}

}  // namespace

const Rows<ClusterConfiguration>& cluster() {
  using C = ClusterConfiguration;
  constexpr auto v4 = since(ApiVersion::V1Beta4);
  static const Rows<C> rows = {
      object("etcd", &C::etcd, &etcd),
      object("networking", &C::networking, &networking),
      field("kubernetesVersion", &C::kubernetes_version),
      field("controlPlaneEndpoint", &C::control_plane_endpoint),
      object("apiServer", &C::api_server, &api_server),
      object("controllerManager", &C::controller_manager, &control_plane_component),
      object("scheduler", &C::scheduler, &control_plane_component),
      object("dns", &C::dns, &dns),
      object("proxy", &C::proxy, &proxy, Print::Always, v4),
      field("certificatesDir", &C::certificates_dir),
      field("imageRepository", &C::image_repository),
      field("featureGates", &C::feature_gates),
      field("clusterName", &C::cluster_name),
      ignored<C>("useHyperKubeImage", "the hyperkube image no longer exists",
                 only(ApiVersion::V1Beta2)),
      field("encryptionAlgorithm", &C::encryption_algorithm, Print::Always, v4),
      field("certificateValidityPeriod", &C::certificate_validity_period, Print::OmitEmpty, v4),
      field("caCertificateValidityPeriod", &C::ca_certificate_validity_period, Print::OmitEmpty,
            v4),
  };
  return rows;
}

}  // namespace kadm::config::schema
