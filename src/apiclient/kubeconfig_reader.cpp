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

// Finds the `name:`-keyed entry of a kubeconfig list (clusters, contexts, users).
std::optional<YAML::Node> find_named(const YAML::Node& root, const char* list,
                                     const std::string& name, const char* inner) {
  YAML::Node items = root[list];
  if (!items || !items.IsSequence()) return std::nullopt;
  for (const auto& item : items) {
    if (item.IsMap() && scalar(item, "name") == name) {
      YAML::Node body = item[inner];
      return body && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map);
    }
  }
  return std::nullopt;
}

std::string absolute(std::string_view base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base_dir) / path).string();
}

Result<std::string> read_referenced(const std::string& path, std::string_view what,
                                    std::string_view source) {
  auto content = fs::read_file(path);
  if (!content) {
    return fail(ErrorKind::Io, "kubeconfig " + std::string(source) + ": cannot read " +
                                   std::string(what) + " file " + path + ": " +
                                   content.error().text());
  }
  return *content;
}

Result<std::string> decoded_data(const YAML::Node& map, const char* key, std::string_view source) {
  std::string b64 = scalar(map, key);
  if (b64.empty()) return std::string();
  std::string out;
  if (!str::base64_decode(b64, out)) {
    return fail(ErrorKind::Validation,
                "kubeconfig " + std::string(source) + ": " + key + " is not valid base64");
  }
  return out;
}

Result<Kubeconfig> parse_root(const YAML::Node& root, std::string_view source,
                              std::string_view base_dir, FileReferences references) {
  const std::string src(source);
  auto missing = [&](const std::string& what) {
    return fail(ErrorKind::Validation, "kubeconfig " + src + ": " + what);
  };
  if (!root.IsMap()) return missing("not a kubeconfig (expected a YAML map)");
  // The path a file-reference field names, made absolute; refused when references are not read.
  auto reference = [&](const YAML::Node& map, const char* key,
                       const char* inline_key) -> Result<std::string> {
    std::string path = scalar(map, key);
    if (path.empty()) return path;
    if (references == FileReferences::Refuse) {
      return fail(ErrorKind::Validation,
                  "kubeconfig " + src + ": \"" + key + "\" names the local file \"" + path +
                      "\", which a kubeconfig from " + src +
                      " may not do; it must carry the value itself" +
                      (inline_key ? std::string(" (") + inline_key + ")" : std::string()));
    }
    return absolute(base_dir, path);
  };

  Kubeconfig kc;
  kc.source = src;
  kc.context_name = scalar(root, "current-context");
  if (kc.context_name.empty()) return missing("current-context is not set");
  auto context = find_named(root, "contexts", kc.context_name, "context");
  if (!context) return missing("context \"" + kc.context_name + "\" not found in contexts");
  kc.cluster_name = scalar(*context, "cluster");
  kc.user_name = scalar(*context, "user");

  auto found_cluster = find_named(root, "clusters", kc.cluster_name, "cluster");
  if (!found_cluster) {
    return missing("cluster \"" + kc.cluster_name + "\" of context \"" + kc.context_name +
                   "\" not found in clusters");
  }
  const YAML::Node& cluster = *found_cluster;
  kc.server = scalar(cluster, "server");
  if (kc.server.empty()) return missing("cluster \"" + kc.cluster_name + "\" has no server");
  kc.insecure_skip_tls_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
  kc.ca_pem = KADM_TRY(decoded_data(cluster, "certificate-authority-data", src));
  kc.ca_file = KADM_TRY(reference(cluster, "certificate-authority", "certificate-authority-data"));
  if (kc.ca_pem.empty() && !kc.ca_file.empty()) {
    kc.ca_pem = KADM_TRY(read_referenced(kc.ca_file, "certificate-authority", src));
  }

  if (!kc.user_name.empty()) {
    auto found_user = find_named(root, "users", kc.user_name, "user");
    if (!found_user) {
      return missing("user \"" + kc.user_name + "\" of context \"" + kc.context_name +
                     "\" not found in users");
    }
    const YAML::Node& user = *found_user;
    kc.client_cert_pem = KADM_TRY(decoded_data(user, "client-certificate-data", src));
    kc.client_cert_file =
        KADM_TRY(reference(user, "client-certificate", "client-certificate-data"));
    if (kc.client_cert_pem.empty() && !kc.client_cert_file.empty()) {
      kc.client_cert_pem =
          KADM_TRY(read_referenced(kc.client_cert_file, "client-certificate", src));
    }
    kc.client_key_pem = KADM_TRY(decoded_data(user, "client-key-data", src));
    kc.client_key_file = KADM_TRY(reference(user, "client-key", "client-key-data"));
    if (kc.client_key_pem.empty() && !kc.client_key_file.empty()) {
      kc.client_key_pem = KADM_TRY(read_referenced(kc.client_key_file, "client-key", src));
    }
    if (kc.client_cert_pem.empty() != kc.client_key_pem.empty()) {
      return missing("user \"" + kc.user_name + "\" has a client " +
                     (kc.client_cert_pem.empty() ? "key but no client certificate"
                                                 : "certificate but no client key"));
    }
    kc.token = scalar(user, "token");
    kc.token_file = KADM_TRY(reference(user, "tokenFile", "token"));
    if (kc.token.empty() && !kc.token_file.empty()) {
      kc.token = str::trim(KADM_TRY(read_referenced(kc.token_file, "tokenFile", src)));
    }
  }
  return kc;
}

}  // namespace

std::string Kubeconfig::host_port() const {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (server.starts_with(scheme)) return server.substr(scheme.size());
  }
  return server;
}

Result<Kubeconfig> parse_kubeconfig(std::string_view yaml, std::string_view source,
                                    std::string_view base_dir, FileReferences references) {
  try {
    return parse_root(YAML::Load(std::string(yaml)), source, base_dir, references);
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                "kubeconfig " + std::string(source) + " is not valid YAML: " + e.what());
  }
}

Result<Kubeconfig> load_kubeconfig(const std::string& path) {
  auto content = fs::read_file(path);
  if (!content) {
    return fail(ErrorKind::Io, "cannot read kubeconfig " + path + ": " + content.error().text());
  }
  return parse_kubeconfig(*content, path, std::filesystem::path(path).parent_path().string());
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
