// The kube-apiserver static Pod (spec §3).
#include "manifests/pod_specs.h"

#include <map>
#include <string>
#include <vector>

#include "common/constants.h"
#include "common/strings.h"
#include "manifests/pod_spec_common.h"

namespace kadm::manifests {

using config::Arg;
using namespace detail;

Result<Pod> apiserver_pod(const config::InitConfiguration& cfg, const host::Host& host) {
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

  Container k = kubernetes_container(c, "kube-apiserver", d, api, host);
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

}  // namespace kadm::manifests
