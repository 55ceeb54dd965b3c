#include "config/load.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "common/fs.h"
#include "common/strings.h"
#include "common/yaml_json.h"
#include "config/binding.h"
#include "config/convert.h"
#include "config/profile.h"
#include "config/schema.h"

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
    apply_legacy(m_ctx.legacy, m_out.init, m_out.join);
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
    schema::load_kadm_configuration(m_ctx, doc, line, m_out.profile);
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
      load_document(f, schema::init(), init());
    } else if (kind == "ClusterConfiguration") {
      m_out.has_cluster_config = true;
      load_document(f, schema::cluster(), init().cluster);
    } else if (kind == "JoinConfiguration") {
      load_document(f, schema::join(), m_out.join.emplace());
    } else if (kind == "ResetConfiguration") {
      load_document(f, schema::reset(), m_out.reset.emplace());
    } else {
      m_ctx.warn(line, kind + " document ignored: kadm does not use it");
    }
  }

  InitConfiguration& init() {
    if (!m_out.init) m_out.init.emplace();
    return *m_out.init;
  }

  Ctx m_ctx;
  LoadedConfig m_out;
  bool m_seen_kubeadm = false;
  std::vector<std::string> m_kinds_seen;
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
