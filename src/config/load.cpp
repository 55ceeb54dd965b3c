#include "config/load.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <functional>
#include <map>

#include "common/fs.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "common/yaml_json.h"
#include "config/profile.h"

namespace kadm::config {

namespace {

constexpr std::string_view kKubeletGroupVersion = "kubelet.config.k8s.io/v1beta1";
constexpr std::string_view kKubeProxyGroupVersion = "kubeproxy.config.k8s.io/v1alpha1";

struct ApiVersionName {
  ApiVersion version;
  std::string_view name;
};
constexpr std::array<ApiVersionName, 3> kKubeadmVersions = {{
    {ApiVersion::V1Beta4, "kubeadm.k8s.io/v1beta4"},
    {ApiVersion::V1Beta3, "kubeadm.k8s.io/v1beta3"},
    {ApiVersion::V1Beta2, "kubeadm.k8s.io/v1beta2"},
}};

// Problems collected while reading one stream; every message carries source and line.
struct Ctx {
  std::string source;
  std::string kind;
  ApiVersion version = ApiVersion::V1Beta4;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  std::string at(int line) const { return source + ":" + std::to_string(line + 1) + ": "; }
  void error(int line, const std::string& path, const std::string& msg) {
    errors.push_back(at(line) + kind + " field \"" + path + "\": " + msg);
  }
  void warn(int line, const std::string& msg) { warnings.push_back(at(line) + msg); }
  bool since(ApiVersion v) const { return version >= v; }
};

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "null";
  return "\"" + n.Scalar() + "\"";
}

int line_of(const YAML::Node& n, int fallback) {
  const int line = n.Mark().line;
  return line >= 0 ? line : fallback;
}

// Typed scalar readers. A null value leaves the field unset, as Go's decoder does.
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, std::string& out) {
  if (v.IsNull()) return true;
  if (!v.IsScalar()) {
    ctx.error(line, path, "expected a string, got " + describe(v));
    return false;
  }
  out = v.Scalar();
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, int& out) {
  if (v.IsNull()) return true;
  if (v.IsScalar()) {
    const auto& s = v.Scalar();
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) {
      out = value;
      return true;
    }
  }
  ctx.error(line, path, "expected an integer, got " + describe(v));
  return false;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, bool& out) {
  if (v.IsNull()) return true;
  static const std::array<std::string_view, 3> kTrue = {"true", "True", "TRUE"};
  static const std::array<std::string_view, 3> kFalse = {"false", "False", "FALSE"};
  if (v.IsScalar()) {
    if (std::ranges::find(kTrue, v.Scalar()) != kTrue.end()) return out = true, true;
    if (std::ranges::find(kFalse, v.Scalar()) != kFalse.end()) return out = false, true;
  }
  ctx.error(line, path, "expected true or false, got " + describe(v));
  return false;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, Duration& out) {
  std::string text;
  if (v.IsNull()) return true;
  if (!read(ctx, v, line, path, text)) return false;
  auto d = parse_duration(text);
  if (!d) {
    ctx.error(line, path, d.error().message());
    return false;
  }
  out = *d;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<Duration>& out) {
  if (v.IsNull()) return true;
  Duration d{};
  if (!read(ctx, v, line, path, d)) return false;
  out = d;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<std::chrono::system_clock::time_point>& out) {
  if (v.IsNull()) return true;
  std::string text;
  if (!read(ctx, v, line, path, text)) return false;
  auto t = parse_rfc3339(text);
  if (!t) {
    ctx.error(line, path,
              "expected an RFC 3339 time such as 2030-01-02T15:04:05Z, got \"" + text + "\"");
    return false;
  }
  out = *t;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::vector<std::string>& out) {
  if (v.IsNull()) return true;
  if (!v.IsSequence()) {
    ctx.error(line, path, "expected a list of strings, got " + describe(v));
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item;
    ok = read(ctx, v[i], line_of(v[i], line), path + "[" + std::to_string(i) + "]", item) && ok;
    items.push_back(item);
  }
  if (ok) out = std::move(items);
  return ok;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::map<std::string, bool>& out) {
  if (v.IsNull()) return true;
  if (!v.IsMap()) {
    ctx.error(line, path, "expected a map of names to true/false, got " + describe(v));
    return false;
  }
  bool ok = true;
  for (const auto& kv : v) {
    bool value = false;
    const auto key = kv.first.Scalar();
    ok = read(ctx, kv.second, line_of(kv.first, line), path + "." + key, value) && ok;
    out[key] = value;
  }
  return ok;
}

// The fields of one YAML map. Every key the reader asks for is remembered, so the keys nobody
// asked for are reported as unknown (with a suggestion) by finish().
class Fields {
 public:
  Fields(Ctx& ctx, const YAML::Node& map, std::string path, int line)
      : m_ctx(ctx), m_path(std::move(path)) {
    for (const auto& kv : map) {
      m_entries.push_back({kv.first.Scalar(), kv.second, line_of(kv.first, line), false});
    }
  }

  template <class T>
  void get(std::string_view key, T& out) {
    if (auto* e = find(key)) read(m_ctx, e->value, e->line, child(key), out);
  }

  // A nested map; `fn(Fields&)` reads its fields.
  template <class F>
  void object(std::string_view key, F&& fn) {
    auto* e = find(key);
    if (e == nullptr || e->value.IsNull()) return;
    if (!e->value.IsMap()) {
      m_ctx.error(e->line, child(key), "expected a map, got " + describe(e->value));
      return;
    }
    Fields sub(m_ctx, e->value, child(key), e->line);
    fn(sub);
    sub.finish();
  }

  // A list of maps; `fn(Fields&)` reads one item. Returns false if the value is not a list.
  template <class F>
  bool list(std::string_view key, F&& fn, std::string_view item_shape = "maps") {
    auto* e = find(key);
    if (e == nullptr || e->value.IsNull()) return true;
    if (!e->value.IsSequence()) {
      m_ctx.error(e->line, child(key),
                  "expected a list of " + std::string(item_shape) + ", got " + describe(e->value));
      return false;
    }
    for (size_t i = 0; i < e->value.size(); ++i) {
      const auto& item = e->value[i];
      const auto path = child(key) + "[" + std::to_string(i) + "]";
      const int line = line_of(item, e->line);
      if (!item.IsMap()) {
        m_ctx.error(line, path, "expected a map, got " + describe(item));
        continue;
      }
      Fields sub(m_ctx, item, path, line);
      fn(sub);
      sub.finish();
    }
    return true;
  }

  // Raw access for fields whose shape depends on the API version.
  const YAML::Node* raw(std::string_view key, int* line = nullptr) {
    auto* e = find(key);
    if (e == nullptr) return nullptr;
    if (line) *line = e->line;
    return &e->value;
  }

  // A field kadm accepts for compatibility but does not use.
  void ignored(std::string_view key, std::string_view why) {
    if (auto* e = find(key)) {
      m_ctx.warn(e->line,
                 m_ctx.kind + " field \"" + child(key) + "\" is ignored: " + std::string(why));
    }
  }

  void finish() {
    for (const auto& e : m_entries) {
      if (e.used) continue;
      std::string msg = "unknown field \"" + child(e.key) + "\" in " + m_ctx.kind + " (" +
                        std::string(api_version_string(m_ctx.version)) + "); ignored";
      if (auto s = str::suggest(e.key, m_known); !s.empty()) msg += "; did you mean \"" + s + "\"?";
      m_ctx.warn(e.line, msg);
    }
  }

  std::string child(std::string_view key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
  }
  Ctx& ctx() { return m_ctx; }

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    int line;
    bool used;
  };
  Entry* find(std::string_view key) {
    m_known.emplace_back(key);
    for (auto& e : m_entries) {
      if (e.key == key) {
        e.used = true;
        return &e;
      }
    }
    return nullptr;
  }

  Ctx& m_ctx;
  std::string m_path;
  std::vector<Entry> m_entries;
  std::vector<std::string> m_known;
};

// v1beta4 writes extra arguments as a list of {name, value}; older versions as a string map,
// which has no order, so its keys are sorted to keep generated manifests stable.
void read_args(Fields& f, std::string_view key, std::vector<Arg>& out) {
  Ctx& ctx = f.ctx();
  if (ctx.since(ApiVersion::V1Beta4)) {
    std::vector<Arg> args;
    f.list(
        key,
        [&](Fields& item) {
          Arg a;
          item.get("name", a.name);
          item.get("value", a.value);
          args.push_back(a);
        },
        "{name, value} maps (v1beta4 list form)");
    if (!args.empty()) out = std::move(args);
    return;
  }
  int line = 0;
  const auto* v = f.raw(key, &line);
  if (v == nullptr || v->IsNull()) return;
  if (!v->IsMap()) {
    ctx.error(line, f.child(key),
              "expected a map of flag names to values (" +
                  std::string(api_version_string(ctx.version)) + " form), got " + describe(*v));
    return;
  }
  std::map<std::string, std::string> sorted;
  for (const auto& kv : *v) {
    std::string value;
    read(ctx, kv.second, line_of(kv.first, line), f.child(key) + "." + kv.first.Scalar(), value);
    sorted[kv.first.Scalar()] = value;
  }
  out.clear();
  for (auto& [name, value] : sorted) out.push_back({name, value});
}

void read_envs(Fields& f, std::vector<EnvVar>& out) {
  if (!f.ctx().since(ApiVersion::V1Beta4)) return;
  f.list("extraEnvs", [&](Fields& item) {
    EnvVar e;
    item.get("name", e.name);
    item.get("value", e.value);
    item.ignored("valueFrom", "kadm only supports literal values");
    out.push_back(e);
  });
}

void read_volumes(Fields& f, std::vector<HostPathMount>& out) {
  f.list("extraVolumes", [&](Fields& item) {
    HostPathMount m;
    item.get("name", m.name);
    item.get("hostPath", m.host_path);
    item.get("mountPath", m.mount_path);
    item.get("readOnly", m.read_only);
    item.get("pathType", m.path_type);
    out.push_back(m);
  });
}

void read_component(Fields& f, ControlPlaneComponent& c) {
  read_args(f, "extraArgs", c.extra_args);
  read_volumes(f, c.extra_volumes);
  read_envs(f, c.extra_envs);
}

void read_taints(Fields& f, std::optional<std::vector<Taint>>& out) {
  int line = 0;
  const auto* v = f.raw("taints", &line);
  if (v == nullptr || v->IsNull()) return;  // "not specified": control planes get the default
  if (!v->IsSequence()) {
    f.ctx().error(line, f.child("taints"), "expected a list of taints, got " + describe(*v));
    return;
  }
  std::vector<Taint> taints;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    const auto path = f.child("taints") + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      f.ctx().error(line_of(item, line), path, "expected a map, got " + describe(item));
      continue;
    }
    Fields t(f.ctx(), item, path, line_of(item, line));
    Taint taint;
    t.get("key", taint.key);
    t.get("value", taint.value);
    t.get("effect", taint.effect);
    t.ignored("timeAdded", "only meaningful on Node objects");
    t.finish();
    taints.push_back(taint);
  }
  out = std::move(taints);
}

void read_node_registration(Fields& f, NodeRegistration& n) {
  f.get("name", n.name);
  f.get("criSocket", n.cri_socket);
  read_taints(f, n.taints);
  read_args(f, "kubeletExtraArgs", n.kubelet_extra_args);
  f.get("ignorePreflightErrors", n.ignore_preflight_errors);
  if (f.ctx().since(ApiVersion::V1Beta3)) f.get("imagePullPolicy", n.image_pull_policy);
  if (f.ctx().since(ApiVersion::V1Beta4)) f.get("imagePullSerial", n.image_pull_serial);
}

void read_api_endpoint(Fields& f, APIEndpoint& e) {
  f.get("advertiseAddress", e.advertise_address);
  f.get("bindPort", e.bind_port);
}

struct TimeoutField {
  std::string_view key;
  Duration Timeouts::*field;
};
constexpr std::array<TimeoutField, 7> kTimeoutFields = {{
    {"controlPlaneComponentHealthCheck", &Timeouts::control_plane_component_health_check},
    {"kubeletHealthCheck", &Timeouts::kubelet_health_check},
    {"kubernetesAPICall", &Timeouts::kubernetes_api_call},
    {"etcdAPICall", &Timeouts::etcd_api_call},
    {"tlsBootstrap", &Timeouts::tls_bootstrap},
    {"discovery", &Timeouts::discovery},
    {"upgradeManifests", &Timeouts::upgrade_manifests},
}};

void read_timeouts(Fields& f, Timeouts& t) {
  if (!f.ctx().since(ApiVersion::V1Beta4)) return;
  f.object("timeouts", [&](Fields& sub) {
    for (const auto& tf : kTimeoutFields) sub.get(tf.key, t.*tf.field);
  });
}

void read_common_tail(Fields& f, std::vector<std::string>& skip_phases, std::string& patches,
                      bool& dry_run, Timeouts& timeouts) {
  if (f.ctx().since(ApiVersion::V1Beta3)) {
    f.get("skipPhases", skip_phases);
    f.object("patches", [&](Fields& p) { p.get("directory", patches); });
  }
  if (f.ctx().since(ApiVersion::V1Beta4)) f.get("dryRun", dry_run);
  read_timeouts(f, timeouts);
}

void read_init(Fields& f, InitConfiguration& c) {
  f.list("bootstrapTokens", [&](Fields& t) {
    BootstrapToken token;
    t.get("token", token.token);
    t.get("description", token.description);
    t.get("ttl", token.ttl);
    t.get("expires", token.expires);
    t.get("usages", token.usages);
    t.get("groups", token.groups);
    c.bootstrap_tokens.push_back(token);
  });
  f.object("nodeRegistration", [&](Fields& n) { read_node_registration(n, c.node_registration); });
  f.object("localAPIEndpoint", [&](Fields& e) { read_api_endpoint(e, c.local_api_endpoint); });
  f.get("certificateKey", c.certificate_key);
  read_common_tail(f, c.skip_phases, c.patches_directory, c.dry_run, c.timeouts);
}

struct AlgorithmName {
  EncryptionAlgorithm algorithm;
  std::string_view name;
};
constexpr std::array<AlgorithmName, 5> kAlgorithms = {{
    {EncryptionAlgorithm::RSA2048, "RSA-2048"},
    {EncryptionAlgorithm::RSA3072, "RSA-3072"},
    {EncryptionAlgorithm::RSA4096, "RSA-4096"},
    {EncryptionAlgorithm::ECDSAP256, "ECDSA-P256"},
    {EncryptionAlgorithm::ECDSAP384, "ECDSA-P384"},
}};

void read_encryption_algorithm(Fields& f, EncryptionAlgorithm& out) {
  int line = 0;
  const auto* v = f.raw("encryptionAlgorithm", &line);
  if (v == nullptr || v->IsNull()) return;
  std::string name;
  if (!read(f.ctx(), *v, line, "encryptionAlgorithm", name)) return;
  for (const auto& a : kAlgorithms) {
    if (a.name == name) {
      out = a.algorithm;
      return;
    }
  }
  f.ctx().error(line, "encryptionAlgorithm",
                "unknown algorithm \"" + name +
                    "\"; use one of RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384");
}

void read_cluster(Fields& f, ClusterConfiguration& c, Duration& control_plane_timeout) {
  const bool v4 = f.ctx().since(ApiVersion::V1Beta4);
  f.object("etcd", [&](Fields& e) {
    e.object("local", [&](Fields& l) {
      auto& local = c.etcd.local.emplace();
      l.get("imageRepository", local.image_repository);
      l.get("imageTag", local.image_tag);
      l.get("dataDir", local.data_dir);
      read_args(l, "extraArgs", local.extra_args);
      read_envs(l, local.extra_envs);
      l.get("serverCertSANs", local.server_cert_sans);
      l.get("peerCertSANs", local.peer_cert_sans);
    });
    e.object("external", [&](Fields& x) {
      auto& external = c.etcd.external.emplace();
      x.get("endpoints", external.endpoints);
      x.get("caFile", external.ca_file);
      x.get("certFile", external.cert_file);
      x.get("keyFile", external.key_file);
    });
  });
  f.object("networking", [&](Fields& n) {
    n.get("serviceSubnet", c.networking.service_subnet);
    n.get("podSubnet", c.networking.pod_subnet);
    n.get("dnsDomain", c.networking.dns_domain);
  });
  f.get("kubernetesVersion", c.kubernetes_version);
  f.get("controlPlaneEndpoint", c.control_plane_endpoint);
  f.object("apiServer", [&](Fields& a) {
    read_component(a, c.api_server);
    a.get("certSANs", c.api_server.cert_sans);
    if (!v4) a.get("timeoutForControlPlane", control_plane_timeout);
  });
  f.object("controllerManager", [&](Fields& m) { read_component(m, c.controller_manager); });
  f.object("scheduler", [&](Fields& s) { read_component(s, c.scheduler); });
  f.object("dns", [&](Fields& d) {
    d.get("imageRepository", c.dns.image_repository);
    d.get("imageTag", c.dns.image_tag);
    if (v4) d.get("disabled", c.dns.disabled);
    if (f.ctx().version == ApiVersion::V1Beta2) d.ignored("type", "kadm always deploys CoreDNS");
  });
  if (v4) f.object("proxy", [&](Fields& p) { p.get("disabled", c.proxy.disabled); });
  f.get("certificatesDir", c.certificates_dir);
  f.get("imageRepository", c.image_repository);
  f.get("featureGates", c.feature_gates);
  f.get("clusterName", c.cluster_name);
  if (f.ctx().version == ApiVersion::V1Beta2) {
    f.ignored("useHyperKubeImage", "the hyperkube image no longer exists");
  }
  if (v4) {
    read_encryption_algorithm(f, c.encryption_algorithm);
    f.get("certificateValidityPeriod", c.certificate_validity_period);
    f.get("caCertificateValidityPeriod", c.ca_certificate_validity_period);
  }
}

void read_join(Fields& f, JoinConfiguration& c) {
  f.object("nodeRegistration", [&](Fields& n) { read_node_registration(n, c.node_registration); });
  f.get("caCertPath", c.ca_cert_path);
  f.object("discovery", [&](Fields& d) {
    d.object("bootstrapToken", [&](Fields& b) {
      auto& bt = c.discovery.bootstrap_token.emplace();
      b.get("token", bt.token);
      b.get("apiServerEndpoint", bt.api_server_endpoint);
      b.get("caCertHashes", bt.ca_cert_hashes);
      b.get("unsafeSkipCAVerification", bt.unsafe_skip_ca_verification);
    });
    d.object("file", [&](Fields& fd) {
      fd.get("kubeConfigPath", c.discovery.file.emplace().kube_config_path);
    });
    d.get("tlsBootstrapToken", c.discovery.tls_bootstrap_token);
    if (!d.ctx().since(ApiVersion::V1Beta4)) d.get("timeout", c.timeouts.discovery);
  });
  f.object("controlPlane", [&](Fields& cp) {
    auto& jcp = c.control_plane.emplace();
    cp.object("localAPIEndpoint", [&](Fields& e) { read_api_endpoint(e, jcp.local_api_endpoint); });
    cp.get("certificateKey", jcp.certificate_key);
  });
  read_common_tail(f, c.skip_phases, c.patches_directory, c.dry_run, c.timeouts);
}

void read_reset(Fields& f, ResetConfiguration& c) {
  f.get("cleanupTmpDir", c.cleanup_tmp_dir);
  f.get("certificatesDir", c.certificates_dir);
  f.get("criSocket", c.cri_socket);
  f.get("dryRun", c.dry_run);
  f.get("force", c.force);
  f.get("ignorePreflightErrors", c.ignore_preflight_errors);
  f.get("skipPhases", c.skip_phases);
  f.get("unmountFlags", c.unmount_flags);
  read_timeouts(f, c.timeouts);
}

// What one kubeadm.k8s.io kind does with its document, and from which version it exists.
struct KubeadmKind {
  std::string_view kind;
  ApiVersion first;
  ApiVersion last;
};
constexpr std::array<KubeadmKind, 6> kKubeadmKinds = {{
    {"InitConfiguration", ApiVersion::V1Beta2, ApiVersion::V1Beta4},
    {"ClusterConfiguration", ApiVersion::V1Beta2, ApiVersion::V1Beta4},
    {"JoinConfiguration", ApiVersion::V1Beta2, ApiVersion::V1Beta4},
    {"ResetConfiguration", ApiVersion::V1Beta4, ApiVersion::V1Beta4},
    {"UpgradeConfiguration", ApiVersion::V1Beta4, ApiVersion::V1Beta4},
    {"ClusterStatus", ApiVersion::V1Beta2, ApiVersion::V1Beta2},
}};

std::string supported_api_versions() {
  std::vector<std::string> names;
  for (const auto& v : kKubeadmVersions) names.emplace_back(v.name);
  names.emplace_back(kKubeletGroupVersion);
  names.emplace_back(kKubeProxyGroupVersion);
  names.emplace_back(kKadmApiVersion);
  return str::join(names, ", ");
}

std::string supported_kinds(ApiVersion v) {
  std::vector<std::string> names;
  for (const auto& k : kKubeadmKinds) {
    if (v >= k.first && v <= k.last) names.emplace_back(k.kind);
  }
  return str::join(names, ", ");
}

class StreamLoader {
 public:
  explicit StreamLoader(std::string_view source) { m_ctx.source = source; }

  void document(const YAML::Node& doc) {
    if (doc.IsNull()) return;  // "---" with nothing after it
    const int line = line_of(doc, 0);
    if (!doc.IsMap()) {
      m_ctx.errors.push_back(m_ctx.at(line) +
                             "a configuration document must be a map with "
                             "apiVersion and kind, got " +
                             describe(doc));
      return;
    }
    const auto api_version = scalar(doc, "apiVersion");
    const auto kind = scalar(doc, "kind");
    if (api_version.empty() || kind.empty()) {
      m_ctx.errors.push_back(m_ctx.at(line) +
                             "document without apiVersion or kind; every "
                             "document needs both (e.g. apiVersion: " +
                             std::string(kKubeadmVersions[0].name) + ", kind: InitConfiguration)");
      return;
    }
    if (api_version == kKubeletGroupVersion || api_version == kKubeProxyGroupVersion) {
      component_config(doc, api_version, kind, line);
      return;
    }
    if (api_version == kKadmApiVersion) {
      kadm_document(doc, kind, line);
      return;
    }
    auto version = std::ranges::find(kKubeadmVersions, api_version, &ApiVersionName::name);
    if (version == kKubeadmVersions.end()) {
      m_ctx.errors.push_back(m_ctx.at(line) + "unsupported apiVersion \"" + api_version +
                             "\"; supported: " + supported_api_versions());
      return;
    }
    kubeadm_document(doc, version->version, kind, line);
  }

  Result<LoadedConfig> finish() {
    if (!m_ctx.errors.empty()) {
      return fail(ErrorKind::Validation,
                  "invalid configuration:\n" + str::join(m_ctx.errors, "\n"));
    }
    if (m_timeout_for_control_plane != Duration{} && m_out.init) {
      m_out.init->timeouts.control_plane_component_health_check = m_timeout_for_control_plane;
    }
    m_out.warnings = std::move(m_ctx.warnings);
    return std::move(m_out);
  }

 private:
  static std::string scalar(const YAML::Node& doc, const char* key) {
    const auto v = doc[key];
    return v && v.IsScalar() ? v.Scalar() : "";
  }

  void component_config(const YAML::Node& doc, const std::string& api_version,
                        const std::string& kind, int line) {
    const bool kubelet = api_version == kKubeletGroupVersion;
    const std::string_view expected = kubelet ? "KubeletConfiguration" : "KubeProxyConfiguration";
    if (kind != expected) {
      m_ctx.errors.push_back(m_ctx.at(line) + "unsupported kind \"" + kind + "\" for apiVersion " +
                             api_version + "; supported kinds: " + std::string(expected));
      return;
    }
    auto& slot = kubelet ? m_out.kubelet_config_yaml : m_out.kube_proxy_config_yaml;
    if (!slot.empty()) {
      m_ctx.errors.push_back(m_ctx.at(line) + "duplicate " + kind + " document");
      return;
    }
    slot = YAML::Dump(doc) + "\n";
  }

  // kadm's own kind (kadm.io/v1alpha1 KadmConfiguration): settings kubeadm's kinds do not have.
  void kadm_document(const YAML::Node& doc, const std::string& kind, int line) {
    if (kind != kKadmConfigurationKind) {
      m_ctx.errors.push_back(m_ctx.at(line) + "unsupported kind \"" + kind + "\" for apiVersion " +
                             std::string(kKadmApiVersion) +
                             "; supported kinds: " + std::string(kKadmConfigurationKind));
      return;
    }
    if (m_out.profile) {
      m_ctx.errors.push_back(m_ctx.at(line) + "duplicate " + kind + " document");
      return;
    }
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      if (key == "apiVersion" || key == "kind") continue;
      if (key != "profile") {
        m_ctx.errors.push_back(m_ctx.at(line_of(kv.first, line)) + "unknown field \"" + key +
                               "\" in " + kind + " (known: profile)");
        continue;
      }
      if (!kv.second.IsScalar()) {
        m_ctx.errors.push_back(m_ctx.at(line_of(kv.second, line)) + kind +
                               " field \"profile\": must be a string (default or cis)");
        continue;
      }
      auto p = parse_profile(kv.second.Scalar());
      if (!p) {
        m_ctx.errors.push_back(m_ctx.at(line_of(kv.second, line)) + kind +
                               " field \"profile\": " + p.error().message());
        continue;
      }
      m_out.profile = *p;
    }
    if (!m_out.profile) m_out.profile = Profile::Default;
  }

  void kubeadm_document(const YAML::Node& doc, ApiVersion version, const std::string& kind,
                        int line) {
    auto k = std::ranges::find(kKubeadmKinds, kind, &KubeadmKind::kind);
    if (k == kKubeadmKinds.end() || version < k->first || version > k->last) {
      m_ctx.errors.push_back(m_ctx.at(line) + "unsupported kind \"" + kind + "\" for apiVersion " +
                             std::string(api_version_string(version)) +
                             "; supported kinds: " + supported_kinds(version));
      return;
    }
    if (m_seen_kubeadm && version != m_out.version) {
      m_ctx.warn(line, kind + " uses " + std::string(api_version_string(version)) +
                           " while earlier documents use " +
                           std::string(api_version_string(m_out.version)));
    }
    if (!m_seen_kubeadm) m_out.version = version;
    m_seen_kubeadm = true;
    if (std::ranges::find(m_kinds_seen, kind) != m_kinds_seen.end()) {
      m_ctx.errors.push_back(m_ctx.at(line) + "duplicate " + kind + " document");
      return;
    }
    m_kinds_seen.push_back(kind);
    m_ctx.kind = kind;
    m_ctx.version = version;
    Fields f(m_ctx, doc, "", line);
    f.raw("apiVersion");
    f.raw("kind");
    if (kind == "InitConfiguration") {
      m_out.has_init_config = true;
      read_init(f, init());
    } else if (kind == "ClusterConfiguration") {
      m_out.has_cluster_config = true;
      read_cluster(f, init().cluster, m_timeout_for_control_plane);
    } else if (kind == "JoinConfiguration") {
      read_join(f, m_out.join.emplace());
    } else if (kind == "ResetConfiguration") {
      read_reset(f, m_out.reset.emplace());
    } else {
      m_ctx.warn(line, kind + " document ignored: kadm does not use it");
      return;
    }
    f.finish();
  }

  InitConfiguration& init() {
    if (!m_out.init) m_out.init.emplace();
    return *m_out.init;
  }

  Ctx m_ctx;
  LoadedConfig m_out;
  bool m_seen_kubeadm = false;
  std::vector<std::string> m_kinds_seen;
  // v1beta2/v1beta3 keep this timeout in ClusterConfiguration; it belongs to InitConfiguration.
  Duration m_timeout_for_control_plane{};
};

}  // namespace

std::string_view api_version_string(ApiVersion v) {
  for (const auto& n : kKubeadmVersions) {
    if (n.version == v) return n.name;
  }
  return "kubeadm.k8s.io/unknown";
}

Result<LoadedConfig> load_config_text(std::string_view yaml, std::string_view source_name) {
  std::vector<YAML::Node> docs;
  try {
    docs = yaml_load_all(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, std::string(source_name) + ":" +
                                           std::to_string(e.mark.line + 1) +
                                           ": malformed YAML: " + e.msg);
  }
  StreamLoader loader(source_name);
  try {
    for (const auto& doc : docs) loader.document(doc);
  } catch (const YAML::Exception& e) {
    // Defensive: the readers check node types first, so this indicates a kadm bug.
    return fail(ErrorKind::Validation,
                std::string(source_name) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return loader.finish();
}

Result<LoadedConfig> load_config_file(const std::filesystem::path& path) {
  auto text = KADM_TRY_CTX(fs::read_file(path), "read configuration file " + path.string());
  return load_config_text(text, path.string());
}

}  // namespace kadm::config
