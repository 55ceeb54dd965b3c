// The kube-controller-manager static Pod (spec §3).
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

namespace {
constexpr std::string_view kFlexVolumeDefaultDir =
    "/usr/libexec/kubernetes/kubelet-plugins/volume/exec";
}  // namespace

Result<Pod> controller_manager_pod(const config::InitConfiguration& cfg, const host::Host& host) {
  const Context c = KADM_TRY(make_context(cfg));
  const auto& kcm = c.cluster.controller_manager;
  const std::string kubeconfig = kubernetes_file(constants::kControllerManagerConf);
  std::map<std::string, std::string> d = loopback_component_flags(kubeconfig);
  d.insert({
      {"client-ca-file", pki_path(c, "ca.crt")},
      {"cluster-signing-cert-file", pki_path(c, "ca.crt")},
      {"cluster-signing-key-file", pki_path(c, "ca.key")},
      {"controllers", "*,bootstrapsigner,tokencleaner"},
      {"leader-elect", "true"},
      {"requestheader-client-ca-file", pki_path(c, "front-proxy-ca.crt")},
      {"root-ca-file", pki_path(c, "ca.crt")},
      {"service-account-private-key-file", pki_path(c, "sa.key")},
      {"use-service-account-credentials", "true"},
  });
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

  Container k = kubernetes_container(c, "kube-controller-manager", d, kcm, host);
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

}  // namespace kadm::manifests
