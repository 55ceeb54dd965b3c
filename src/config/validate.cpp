#include "config/validate.h"

#include <algorithm>
#include <array>

#include "common/net.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "config/version.h"

namespace kadm::config {

namespace {

// kubeadm caps the service range so the API server's allocator bitmap stays small: at most 20
// host bits, i.e. /12 or longer for IPv4 and /108 or longer for IPv6.
constexpr int kMaxServiceSubnetHostBits = 20;
// The controller-manager gives each node a /24 (IPv4) or /64 (IPv6) out of the pod range.
constexpr int kNodeCidrMaskV4 = 24;
constexpr int kNodeCidrMaskV6 = 64;

constexpr std::array<std::string_view, 3> kImagePullPolicies = {"Always", "IfNotPresent", "Never"};
constexpr std::array<std::string_view, 3> kTaintEffects = {"NoSchedule", "PreferNoSchedule",
                                                           "NoExecute"};
// Feature gates kadm recognises (current ones plus those the v1.20 guide era used).
constexpr std::array<std::string_view, 7> kFeatureGates = {"ControlPlaneKubeletLocalMode",
                                                           "NodeLocalCRISocket",
                                                           "WaitForAllControlPlaneComponents",
                                                           "RootlessControlPlane",
                                                           "PublicKeysECDSA",
                                                           "EtcdLearnerMode",
                                                           "IPv6DualStack"};

template <size_t N>
bool one_of(std::string_view v, const std::array<std::string_view, N>& set) {
  return std::ranges::find(set, v) != set.end();
}
template <size_t N>
std::string list_of(const std::array<std::string_view, N>& set) {
  std::vector<std::string> v(set.begin(), set.end());
  return str::join(v, ", ");
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Collects problems under a field path prefix.
class Problems {
 public:
  explicit Problems(std::vector<std::string>& out, std::string prefix = "")
      : m_out(out), m_prefix(std::move(prefix)) {}
  Problems sub(std::string_view field) const { return Problems(m_out, path(field)); }
  void add(std::string_view field, const std::string& msg) const {
    m_out.push_back(path(field) + ": " + msg);
  }

 private:
  std::string path(std::string_view field) const {
    if (m_prefix.empty()) return std::string(field);
    if (field.empty()) return m_prefix;
    return m_prefix + (field.front() == '[' ? "" : ".") + std::string(field);
  }
  std::vector<std::string>& m_out;
  std::string m_prefix;
};

std::vector<net::Cidr> check_cidr_list(const Problems& p, std::string_view field,
                                       std::string_view text) {
  std::vector<net::Cidr> cidrs;
  const auto parts = str::split(text, ',');
  if (parts.size() > 2) {
    p.add(field, "at most two CIDRs (one IPv4 and one IPv6 for dual-stack) are allowed, got " +
                     in_quotes(text));
  }
  bool ok = true;
  for (const auto& part : parts) {
    auto c = net::parse_cidr(str::trim(part));
    if (!c) {
      p.add(field, "invalid CIDR " + in_quotes(part) + ": use <ip>/<prefix>, e.g. 10.244.0.0/16");
      ok = false;
      continue;
    }
    cidrs.push_back(*c);
  }
  if (ok && cidrs.size() == 2 && cidrs[0].base.v6 == cidrs[1].base.v6) {
    p.add(field, "a dual-stack list needs one IPv4 and one IPv6 CIDR, got " + in_quotes(text));
  }
  return cidrs;
}

void check_port(const Problems& p, std::string_view field, int port) {
  if (port < 1 || port > 65535) p.add(field, "port " + std::to_string(port) + " is not in 1-65535");
}

void check_san(const Problems& p, std::string_view field, const std::string& san) {
  if (net::parse_ip(san) || net::is_dns1123_subdomain(san) ||
      net::is_wildcard_dns1123_subdomain(san)) {
    return;
  }
  p.add(field, in_quotes(san) + " is neither an IP address nor a valid lower-case DNS name");
}

void check_sans(const Problems& p, std::string_view field, const std::vector<std::string>& sans) {
  for (size_t i = 0; i < sans.size(); ++i)
    check_san(p.sub(field), "[" + std::to_string(i) + "]", sans[i]);
}

// host[:port] as in controlPlaneEndpoint / apiServerEndpoint; IPv6 hosts need brackets with a port.
void check_endpoint(const Problems& p, std::string_view field, const std::string& endpoint,
                    bool port_required) {
  auto hp = net::parse_host_port(endpoint);
  if (!hp) {
    p.add(field, hp.error().message());
  } else if (port_required && !hp->port) {
    p.add(field, in_quotes(endpoint) + ": a port is required (host:port)");
  }
}

void check_absolute(const Problems& p, std::string_view field, const std::string& path) {
  if (path.empty() || path[0] != '/') p.add(field, in_quotes(path) + " is not an absolute path");
}

void check_certificate_key(const Problems& p, std::string_view field, const std::string& key) {
  if (key.empty()) return;
  if (key.size() != 64 || !std::ranges::all_of(key, is_hex)) {
    p.add(field, "must be 64 hexadecimal characters (a 32-byte AES key), got " +
                     std::to_string(key.size()) + " characters");
  }
}

void check_args(const Problems& p, std::string_view field, const std::vector<Arg>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].name.empty())
      p.sub(field).add("[" + std::to_string(i) + "].name", "must not be empty");
  }
}

void check_ignore_preflight(const Problems& p, const std::vector<std::string>& names) {
  const bool has_all =
      std::ranges::any_of(names, [](const auto& n) { return str::lower(n) == "all"; });
  if (has_all && names.size() > 1) {
    p.add("ignorePreflightErrors",
          "\"all\" already ignores every check and must not be combined with other names");
  }
}

void check_node_registration(const Problems& p, const NodeRegistration& n) {
  if (!n.name.empty() && !net::is_dns1123_subdomain(n.name)) {
    p.add("name", in_quotes(n.name) +
                      " is not a valid node name: use lower-case letters, digits, '-' and '.' "
                      "(RFC 1123 subdomain), starting and ending with a letter or digit");
  }
  if (!n.image_pull_policy.empty() && !one_of(n.image_pull_policy, kImagePullPolicies)) {
    p.add("imagePullPolicy",
          in_quotes(n.image_pull_policy) + " is not one of " + list_of(kImagePullPolicies));
  }
  check_ignore_preflight(p, n.ignore_preflight_errors);
  check_args(p, "kubeletExtraArgs", n.kubelet_extra_args);
  if (n.taints) {
    for (size_t i = 0; i < n.taints->size(); ++i) {
      const auto& t = (*n.taints)[i];
      const auto tp = p.sub("taints[" + std::to_string(i) + "]");
      if (t.key.empty()) tp.add("key", "must not be empty");
      if (!one_of(t.effect, kTaintEffects)) {
        tp.add("effect", in_quotes(t.effect) + " is not one of " + list_of(kTaintEffects));
      }
    }
  }
}

void check_api_endpoint(const Problems& p, const APIEndpoint& e) {
  if (!e.advertise_address.empty() && !net::parse_ip(e.advertise_address)) {
    p.add("advertiseAddress", in_quotes(e.advertise_address) + " is not a valid IP address");
  }
  check_port(p, "bindPort", e.bind_port);
}

void check_bootstrap_token(const Problems& p, const BootstrapToken& t) {
  // The token is a secret: never repeat it in the message.
  if (!t.token.empty() && !is_valid_bootstrap_token(t.token)) {
    p.add("token", "invalid bootstrap token: expected <6 chars>.<16 chars> of [a-z0-9]");
  }
  for (const auto& u : t.usages) {
    if (!is_known_token_usage(u)) {
      p.add("usages",
            "invalid bootstrap token usage " + in_quotes(u) + "; use " + list_of(kTokenUsages));
    }
  }
  for (const auto& g : t.groups) {
    if (!is_valid_bootstrap_group(g)) {
      p.add("groups",
            in_quotes(g) +
                " is not a valid bootstrap token group (system:bootstrappers:[a-z0-9:-]*)");
    }
  }
}

void check_version(const Problems& p, const std::string& version) {
  if (version.empty() || is_version_label(version)) return;
  if (!parse_kube_version(version)) {
    p.add("kubernetesVersion", in_quotes(version) + " is not a Kubernetes release such as " +
                                   std::string(default_kubernetes_version()));
  }
}

void check_networking(const Problems& p, const Networking& n, const std::string& advertise) {
  const auto services = check_cidr_list(p, "serviceSubnet", n.service_subnet);
  for (const auto& c : services) {
    const int host_bits = c.base.bits() - c.prefix;
    if (host_bits > kMaxServiceSubnetHostBits) {
      p.add("serviceSubnet",
            "the range /" + std::to_string(c.prefix) + " is too large: at most " +
                std::to_string(kMaxServiceSubnetHostBits) +
                " host bits are allowed (IPv4 /12 or longer, IPv6 /108 or longer)");
    }
  }
  std::vector<net::Cidr> pods;
  if (!n.pod_subnet.empty()) pods = check_cidr_list(p, "podSubnet", n.pod_subnet);
  for (const auto& c : pods) {
    const int node_mask = c.base.v6 ? kNodeCidrMaskV6 : kNodeCidrMaskV4;
    if (c.prefix > node_mask) {
      p.add("podSubnet", "the range /" + std::to_string(c.prefix) +
                             " is smaller than one node's share (/" + std::to_string(node_mask) +
                             ")");
    }
    for (const auto& s : services) {
      if (c.overlaps(s)) {
        p.add("podSubnet", in_quotes(n.pod_subnet) + " overlaps serviceSubnet " +
                               in_quotes(n.service_subnet) +
                               ": pod, service and node ranges must not overlap");
      }
    }
  }
  if (auto ip = net::parse_ip(advertise)) {
    using Ranges = std::pair<const std::vector<net::Cidr>*, std::string_view>;
    for (const auto& [list, field] :
         {Ranges{&services, "serviceSubnet"}, Ranges{&pods, "podSubnet"}}) {
      for (const auto& c : *list) {
        if (c.contains(*ip)) {
          p.add(field, "contains the node's advertise address " + advertise +
                           ": pod, service and node ranges must not overlap");
        }
      }
    }
  }
  if (!net::is_dns1123_subdomain(n.dns_domain)) {
    p.add("dnsDomain", in_quotes(n.dns_domain) + " is not a valid DNS domain");
  }
}

void check_cluster(const Problems& p, const ClusterConfiguration& c, const std::string& advertise) {
  check_networking(p.sub("networking"), c.networking, advertise);
  check_version(p, c.kubernetes_version);
  if (!c.control_plane_endpoint.empty()) {
    check_endpoint(p, "controlPlaneEndpoint", c.control_plane_endpoint, false);
  }
  check_sans(p.sub("apiServer"), "certSANs", c.api_server.cert_sans);
  check_args(p.sub("apiServer"), "extraArgs", c.api_server.extra_args);
  check_args(p.sub("controllerManager"), "extraArgs", c.controller_manager.extra_args);
  check_args(p.sub("scheduler"), "extraArgs", c.scheduler.extra_args);
  check_absolute(p, "certificatesDir", c.certificates_dir);
  if (c.etcd.local && c.etcd.external)
    p.sub("etcd").add("", "set either local or external, not both");
  if (c.etcd.local) {
    const auto lp = p.sub("etcd.local");
    check_sans(lp, "serverCertSANs", c.etcd.local->server_cert_sans);
    check_sans(lp, "peerCertSANs", c.etcd.local->peer_cert_sans);
    check_args(lp, "extraArgs", c.etcd.local->extra_args);
    check_absolute(lp, "dataDir", c.etcd.local->data_dir);
  }
  if (c.etcd.external && c.etcd.external->endpoints.empty()) {
    p.add("etcd.external.endpoints", "at least one endpoint is required");
  }
  for (const auto& [name, enabled] : c.feature_gates) {
    if (!one_of(name, kFeatureGates)) {
      p.add("featureGates",
            in_quotes(name) + " is not a known feature gate; known: " + list_of(kFeatureGates));
    }
  }
  if (c.cluster_name.empty()) p.add("clusterName", "must not be empty");
}

}  // namespace

std::vector<std::string> validate_cluster(const ClusterConfiguration& cfg) {
  std::vector<std::string> out;
  check_cluster(Problems(out), cfg, "");
  return out;
}

std::vector<std::string> validate_init(const InitConfiguration& cfg) {
  std::vector<std::string> out;
  const Problems p(out);
  for (size_t i = 0; i < cfg.bootstrap_tokens.size(); ++i) {
    check_bootstrap_token(p.sub("bootstrapTokens[" + std::to_string(i) + "]"),
                          cfg.bootstrap_tokens[i]);
  }
  check_node_registration(p.sub("nodeRegistration"), cfg.node_registration);
  check_api_endpoint(p.sub("localAPIEndpoint"), cfg.local_api_endpoint);
  check_certificate_key(p, "certificateKey", cfg.certificate_key);
  check_cluster(p, cfg.cluster, cfg.local_api_endpoint.advertise_address);
  return out;
}

std::vector<std::string> validate_join(const JoinConfiguration& cfg) {
  std::vector<std::string> out;
  const Problems p(out);
  check_node_registration(p.sub("nodeRegistration"), cfg.node_registration);
  check_absolute(p, "caCertPath", cfg.ca_cert_path);
  const auto d = p.sub("discovery");
  const auto& disc = cfg.discovery;
  if (!disc.bootstrap_token && !disc.file) {
    d.add("", "set bootstrapToken (token discovery) or file (kubeconfig discovery)");
  }
  if (disc.bootstrap_token && disc.file) d.add("", "set bootstrapToken or file, not both");
  if (disc.bootstrap_token) {
    const auto& bt = *disc.bootstrap_token;
    const auto bp = d.sub("bootstrapToken");
    if (!is_valid_bootstrap_token(bt.token)) {
      bp.add("token", "invalid bootstrap token: expected <6 chars>.<16 chars> of [a-z0-9]");
    }
    if (bt.api_server_endpoint.empty()) {
      bp.add("apiServerEndpoint", "required for token discovery (host:port of the API server)");
    } else {
      check_endpoint(bp, "apiServerEndpoint", bt.api_server_endpoint, true);
    }
    for (const auto& h : bt.ca_cert_hashes) {
      if (!is_valid_ca_cert_hash(h)) {
        bp.add("caCertHashes", in_quotes(h) + " is not of the form sha256:<64 hex characters>");
      }
    }
    if (bt.ca_cert_hashes.empty() && !bt.unsafe_skip_ca_verification) {
      bp.add("caCertHashes",
             "token discovery needs the CA public key hash (--discovery-token-ca-cert-hash "
             "sha256:...) or, insecurely, --discovery-token-unsafe-skip-ca-verification");
    }
  }
  if (disc.file && disc.file->kube_config_path.empty())
    d.add("file.kubeConfigPath", "must not be empty");
  if (!disc.tls_bootstrap_token.empty() && !is_valid_bootstrap_token(disc.tls_bootstrap_token)) {
    d.add("tlsBootstrapToken",
          "invalid bootstrap token: expected <6 chars>.<16 chars> of [a-z0-9]");
  }
  if (cfg.control_plane) {
    const auto cp = p.sub("controlPlane");
    check_api_endpoint(cp.sub("localAPIEndpoint"), cfg.control_plane->local_api_endpoint);
    check_certificate_key(cp, "certificateKey", cfg.control_plane->certificate_key);
  }
  return out;
}

std::vector<std::string> validate_reset(const ResetConfiguration& cfg) {
  std::vector<std::string> out;
  const Problems p(out);
  check_absolute(p, "certificatesDir", cfg.certificates_dir);
  check_ignore_preflight(p, cfg.ignore_preflight_errors);
  return out;
}

Status to_status(const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  return fail(ErrorKind::Validation, "invalid configuration:\n" + str::join(problems, "\n"));
}

}  // namespace kadm::config
