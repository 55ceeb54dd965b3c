// The local etcd static Pod (spec §3).
#include "manifests/pod_specs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "common/constants.h"
#include "common/net.h"
#include "common/strings.h"
#include "manifests/etcd_identity.h"
#include "manifests/images.h"
#include "manifests/pod_spec_common.h"

namespace kadm::manifests {

using config::Arg;
using namespace detail;

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
  if (auto hp = net::parse_url_host_port(url)) {
    ep.host = hp->host;
    if (hp->port) ep.port = *hp->port;
  }
  return ep;
}

}  // namespace

Result<Pod> etcd_pod(const config::InitConfiguration& cfg,
                     const std::vector<EtcdMember>& initial_cluster, const host::Host& host,
                     std::optional<fs::Owner> run_as) {
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
  const std::string data_dir = etcd_data_dir(c.cluster);
  (void)host;  // etcd gets no proxy variables and no CA-trust mounts
  const std::string tls = etcd_tls_dir(c.cluster, run_as);
  auto tls_file = [&](std::string_view name) { return tls + "/" + std::string(name); };

  std::map<std::string, std::string> d = {
      {"advertise-client-urls", client_url},
      {"cert-file", tls_file("server.crt")},
      {"client-cert-auth", "true"},
      {"data-dir", data_dir},
      {"initial-advertise-peer-urls", peer_url},
      {"key-file", tls_file("server.key")},
      {"listen-client-urls",
       "https://" + join_host_port(loopback, constants::kEtcdClientPort) + "," + client_url},
      {"listen-metrics-urls", "http://" + join_host_port(loopback, constants::kEtcdMetricsPort)},
      {"listen-peer-urls", peer_url},
      {"name", node},
      {"peer-cert-file", tls_file("peer.crt")},
      {"peer-client-cert-auth", "true"},
      {"peer-key-file", tls_file("peer.key")},
      {"peer-trusted-ca-file", tls_file("ca.crt")},
      {"snapshot-count", "10000"},
      {"trusted-ca-file", tls_file("ca.crt")},
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
  m.add_same("etcd-certs", tls, false, "DirectoryOrCreate");

  Pod pod = component_pod(c, std::move(k),
                          {{"kubeadm.kubernetes.io/etcd.advertise-client-urls", client_url}});
  m.apply(pod);
  pod.run_as = run_as;
  return pod;
}

}  // namespace kadm::manifests
