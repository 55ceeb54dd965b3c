#include "apiclient/kubeconfig_reader.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"

namespace kadm::apiclient {

namespace {

std::string scalar(const YAML::Node& map, const char* key) {
  YAML::Node n = map[key];
  if (!n || !n.IsScalar()) return {};
  return n.as<std::string>();
}

YAML::Node body_of(const YAML::Node& item, const char* inner) {
  YAML::Node body = item[inner];
  return body && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map);
}

// The body (`inner`) of the `name:`-keyed entry of a kubeconfig list (clusters, contexts,
// users). An entry without a name is named "", as client-go reads it.
std::optional<YAML::Node> find_named(const YAML::Node& root, const char* list,
                                     const std::string& name, const char* inner) {
  YAML::Node items = root[list];
  if (!items || !items.IsSequence()) return std::nullopt;
  for (const auto& item : items) {
    if (item.IsMap() && scalar(item, "name") == name) return body_of(item, inner);
  }
  return std::nullopt;
}

std::size_t count_of(const YAML::Node& root, const char* list) {
  YAML::Node items = root[list];
  return items && items.IsSequence() ? items.size() : 0;
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// A value a kubeconfig holds inline or names a file for: certificate-authority(-data),
// client-certificate(-data), client-key(-data), token / tokenFile.
struct Field {
  const char* inline_key;
  const char* file_key;
  bool base64;  // the *-data fields; a token is plain text
};
constexpr Field kCa{"certificate-authority-data", "certificate-authority", true};
constexpr Field kClientCert{"client-certificate-data", "client-certificate", true};
constexpr Field kClientKey{"client-key-data", "client-key", true};
constexpr Field kToken{"token", "tokenFile", false};

class Reader {
 public:
  Reader(const YAML::Node& root, const ReadOptions& options) : m_root(root), m_o(options) {}

  Result<Kubeconfig> read() const {
    if (!m_root.IsMap()) return said("is not a kubeconfig (expected a YAML map)");
    Kubeconfig kc;
    kc.source = m_o.source;
    const YAML::Node cluster = KADM_TRY(choose_cluster(kc));
    kc.server = scalar(cluster, "server");
    if (kc.server.empty()) return bad("cluster " + in_quotes(kc.cluster_name) + " has no server");
    kc.insecure_skip_tls_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
    KADM_TRY(value(cluster, kCa, kc.ca_pem, kc.ca_file));
    if (!kc.user_name.empty()) KADM_TRY(read_user(kc));
    if (m_o.require_user) KADM_TRY(check_user_present(kc));
    return kc;
  }

 private:
  // "kubeconfig <source> <what>"
  std::unexpected<Error> said(const std::string& what) const {
    return fail(ErrorKind::Validation, "kubeconfig " + m_o.source + " " + what);
  }
  // "kubeconfig <source>: <what>"
  std::unexpected<Error> bad(const std::string& what) const {
    return fail(ErrorKind::Validation, "kubeconfig " + m_o.source + ": " + what);
  }

  // Sets the context, cluster and user names and returns the chosen cluster's body.
  Result<YAML::Node> choose_cluster(Kubeconfig& kc) const {
    const auto clusters = count_of(m_root, "clusters");
    if (m_o.cluster != ClusterChoice::CurrentContext && clusters == 0) {
      return said(
          "defines no cluster: it needs at least one entry under \"clusters\" with the API server "
          "and its CA (the cluster-info kubeconfig is such a file)");
    }
    if (m_o.cluster == ClusterChoice::SoleCluster) {
      if (clusters != 1) {
        return said("must contain exactly one cluster, it has " + std::to_string(clusters));
      }
      const YAML::Node only = m_root["clusters"][0];
      if (!only.IsMap()) return said("lists a cluster that is not a map");
      kc.cluster_name = scalar(only, "name");
      return body_of(only, "cluster");
    }
    kc.context_name = scalar(m_root, "current-context");
    auto context = kc.context_name.empty()
                       ? std::nullopt
                       : find_named(m_root, "contexts", kc.context_name, "context");
    if (context) {
      kc.cluster_name = scalar(*context, "cluster");
      kc.user_name = scalar(*context, "user");
    }
    const bool unnamed_wins = m_o.cluster == ClusterChoice::UnnamedOrCurrentContext;
    if (unnamed_wins) {
      if (auto unnamed = find_named(m_root, "clusters", "", "cluster")) {
        kc.cluster_name.clear();
        return *unnamed;
      }
    }
    if (kc.context_name.empty()) {
      return said(std::string("has no current cluster: current-context is not set") +
                  (unnamed_wins ? " and no cluster is named \"\" (as in cluster-info)" : ""));
    }
    if (!context) return bad("context " + in_quotes(kc.context_name) + " not found in contexts");
    auto cluster = find_named(m_root, "clusters", kc.cluster_name, "cluster");
    if (!cluster) {
      return bad("cluster " + in_quotes(kc.cluster_name) + " of context " +
                 in_quotes(kc.context_name) + " not found in clusters");
    }
    return *cluster;
  }

  Status read_user(Kubeconfig& kc) const {
    auto user = find_named(m_root, "users", kc.user_name, "user");
    if (!user) {
      return bad("user " + in_quotes(kc.user_name) + " of context " + in_quotes(kc.context_name) +
                 " not found in users");
    }
    KADM_TRY(value(*user, kClientCert, kc.client_cert_pem, kc.client_cert_file));
    KADM_TRY(value(*user, kClientKey, kc.client_key_pem, kc.client_key_file));
    KADM_TRY(value(*user, kToken, kc.token, kc.token_file));
    const bool cert = present(kc.client_cert_pem, kc.client_cert_file);
    if (cert != present(kc.client_key_pem, kc.client_key_file)) {
      return bad("user " + in_quotes(kc.user_name) + " has a client " +
                 (cert ? "certificate but no client key" : "key but no client certificate"));
    }
    return {};
  }

  Status check_user_present(const Kubeconfig& kc) const {
    if (kc.user_name.empty()) {
      return bad("the current context names no user, and this kubeconfig must carry credentials");
    }
    if (!present(kc.token, kc.token_file) && !present(kc.client_cert_pem, kc.client_cert_file)) {
      return bad("user " + in_quotes(kc.user_name) +
                 " has no credentials: neither a token nor a client certificate");
    }
    return {};
  }

  // Whether a value is there: read, or (when references are kept) named.
  bool present(const std::string& value, const std::string& file) const {
    return !value.empty() || (m_o.references == FileReferences::Keep && !file.empty());
  }

  // Fills `out` from the inline field, else (when references are read) from the file the
  // reference names; `file` gets the reference as an absolute path.
  Status value(const YAML::Node& map, const Field& f, std::string& out, std::string& file) const {
    out = scalar(map, f.inline_key);
    if (f.base64 && !out.empty()) {
      std::string decoded;
      if (!str::base64_decode(out, decoded)) {
        return bad(std::string(f.inline_key) + " is not valid base64");
      }
      out = std::move(decoded);
    }
    file = scalar(map, f.file_key);
    if (file.empty()) return {};
    if (m_o.references == FileReferences::Refuse) {
      // Only the path is named: the file is never opened, so none of its content can leak.
      return bad(in_quotes(f.file_key) + " names the local file " + in_quotes(file) +
                 ": a kubeconfig that does not come from this host must carry the value itself (" +
                 f.inline_key + ")");
    }
    if (file.front() != '/' && !m_o.base_dir.empty()) {
      file = (std::filesystem::path(m_o.base_dir) / file).string();
    }
    if (!out.empty() || m_o.references == FileReferences::Keep) return {};
    auto content = fs::read_file(file);
    if (!content) {
      return fail(ErrorKind::Io, "kubeconfig " + m_o.source + ": cannot read " + f.file_key +
                                     " file " + file + ": " + content.error().text());
    }
    out = f.base64 ? std::move(*content) : str::trim(*content);
    return {};
  }

  const YAML::Node m_root;  // const: a lookup must not add the key it looks for
  const ReadOptions& m_o;
};

}  // namespace

std::string Kubeconfig::host_port() const {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (server.starts_with(scheme)) return server.substr(scheme.size());
  }
  return server;
}

Result<Kubeconfig> read_kubeconfig(std::string_view yaml, const ReadOptions& options) {
  try {
    return Reader(YAML::Load(std::string(yaml)), options).read();
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                "kubeconfig " + options.source + " is not valid YAML: " + e.what());
  }
}

Result<Kubeconfig> load_kubeconfig(const std::string& path, ReadOptions options) {
  auto content = fs::read_file(path);
  if (!content) {
    return fail(ErrorKind::Io, "cannot read kubeconfig " + path + ": " + content.error().text());
  }
  options.source = path;
  options.base_dir = std::filesystem::path(path).parent_path().string();
  return read_kubeconfig(*content, options);
}

std::string resolve_kubeconfig_path(const std::optional<std::string>& explicit_path,
                                    std::string_view fallback) {
  if (explicit_path && !explicit_path->empty()) return *explicit_path;
  if (const char* own = std::getenv("KADM_KUBECONFIG"); own && *own) return own;
  if (const char* list = std::getenv("KUBECONFIG"); list && *list) {
    auto entries = str::split(list, ':');
    if (!entries.empty()) return entries.front();
  }
  return std::string(fallback);
}

}  // namespace kadm::apiclient
