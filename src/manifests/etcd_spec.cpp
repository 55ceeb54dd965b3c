// The local etcd static Pod (spec §3).
#include "manifests/pod_specs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "common/constants.h"
#include "common/strings.h"
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
  std::string hostport = url.substr(sep + 3);
  hostport = hostport.substr(0, hostport.find('/'));
  std::string h;
  std::string port;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string::npos) return ep;
    h = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':')
      port = hostport.substr(close + 2);
  } else {
    const auto colon = hostport.rfind(':');
    h = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (!h.empty()) ep.host = h;
  if (!port.empty() && std::all_of(port.begin(), port.end(), ::isdigit) && port.size() < 6) {
    const int p = std::stoi(port);
    if (p > 0 && p < 65536) ep.port = p;
  }
  return ep;
}

}  // namespace

Result<Pod> etcd_pod(const config::InitConfiguration& cfg,
                     const std::vector<EtcdMember>& initial_cluster, const HostFacts& host) {
  (void)host;  // etcd gets no proxy variables and no CA-trust mounts
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
  const std::string data_dir =
      local.data_dir.empty() ? std::string(constants::kDefaultEtcdDataDir) : local.data_dir;

  std::map<std::string, std::string> d = {
      {"advertise-client-urls", client_url},
      {"cert-file", pki_path(c, "etcd/server.crt")},
      {"client-cert-auth", "true"},
      {"data-dir", data_dir},
      {"initial-advertise-peer-urls", peer_url},
      {"key-file", pki_path(c, "etcd/server.key")},
      {"listen-client-urls",
       "https://" + join_host_port(loopback, constants::kEtcdClientPort) + "," + client_url},
      {"listen-metrics-urls", "http://" + join_host_port(loopback, constants::kEtcdMetricsPort)},
      {"listen-peer-urls", peer_url},
      {"name", node},
      {"peer-cert-file", pki_path(c, "etcd/peer.crt")},
      {"peer-client-cert-auth", "true"},
      {"peer-key-file", pki_path(c, "etcd/peer.key")},
      {"peer-trusted-ca-file", pki_path(c, "etcd/ca.crt")},
      {"snapshot-count", "10000"},
      {"trusted-ca-file", pki_path(c, "etcd/ca.crt")},
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
  m.add_same("etcd-certs", pki_path(c, "etcd"), false, "DirectoryOrCreate");

  Pod pod = component_pod(c, std::move(k),
                          {{"kubeadm.kubernetes.io/etcd.advertise-client-urls", client_url}});
  m.apply(pod);
  return pod;
}

}  // namespace kadm::manifests
