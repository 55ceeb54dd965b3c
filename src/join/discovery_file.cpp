#include "join/discovery_file.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "common/fs.h"

namespace kadm::join {

namespace {

constexpr std::string_view kHttps = "https://";
constexpr std::string_view kFileUrl = "file://";
// The one context handed to the kubeconfig reader: the resolved cluster with the current user.
constexpr const char* kResolvedContext = "kadm-discovery";

std::string scalar(const YAML::Node& map, const char* key) {
  YAML::Node n = map[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

bool has_named(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return false;
  for (const auto& item : list) {
    if (item.IsMap() && item["name"] && scalar(item, "name") == name) return true;
  }
  return false;
}

YAML::Node find_context(const YAML::Node& root, const std::string& name) {
  YAML::Node contexts = root["contexts"];
  if (!contexts || !contexts.IsSequence()) return {};
  for (const auto& item : contexts) {
    if (item.IsMap() && scalar(item, "name") == name) return item["context"];
  }
  return {};
}

struct Resolved {
  std::string cluster;
  std::string user;
};

// kubeadm's rule: an unnamed cluster wins; otherwise current-context must lead to a cluster.
Result<Resolved> resolve_current(const YAML::Node& root, const std::string& src) {
  YAML::Node clusters = root["clusters"];
  if (!clusters || !clusters.IsSequence() || clusters.size() == 0) {
    return fail(ErrorKind::Validation,
                "the discovery file " + src +
                    " defines no cluster: it needs at least one entry under \"clusters\" with the "
                    "API server and its CA (the cluster-info kubeconfig is such a file)");
  }
  const std::string current = scalar(root, "current-context");
  YAML::Node context = current.empty() ? YAML::Node() : find_context(root, current);
  Resolved r;
  if (context && context.IsMap()) r.user = scalar(context, "user");
  if (has_named(clusters, "")) return r;
  if (current.empty()) {
    return fail(ErrorKind::Validation,
                "the discovery file " + src +
                    " has no current cluster: set current-context to a context whose cluster is "
                    "listed under \"clusters\", or name the cluster \"\" as cluster-info does");
  }
  if (!context) {
    return fail(ErrorKind::Validation, "the discovery file " + src + ": current-context \"" +
                                           current + "\" is not listed under \"contexts\"");
  }
  r.cluster = scalar(context, "cluster");
  if (!has_named(clusters, r.cluster)) {
    return fail(ErrorKind::Validation, "the discovery file " + src + ": cluster \"" + r.cluster +
                                           "\" of current-context \"" + current +
                                           "\" is not listed under \"clusters\"");
  }
  return r;
}

Result<std::string> download(std::string_view url, DiscoveryDeadline& deadline,
                             Duration retry_interval) {
  const std::string where(url);
  auto slash = where.find('/', kHttps.size());
  apiclient::Kubeconfig origin;  // no CA: libcurl's default bundle, i.e. the system roots
  origin.source = where;
  origin.server = where.substr(0, slash);
  apiclient::CurlClientOptions co;
  co.retry.max_attempts = 1;
  co.retry.total_deadline = deadline.timeout();
  co.max_body_bytes = kMaxDiscoveryBodyBytes;
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(origin, co));
  apiclient::Request req;
  req.method = "GET";
  req.path = slash == std::string::npos ? "/" : where.substr(slash);
  for (;;) {
    req.timeout = deadline.attempt_timeout();
    auto r = client->send_raw(req);
    std::string problem;
    if (r && r->status == 200) return std::move(r->body);
    if (r) {
      problem = "HTTP " + std::to_string(r->status);
      if (r->status < 500) {
        return fail(ErrorKind::Api, "cannot download the discovery file " + where + ": " + problem);
      }
    } else if (r.error().kind() == ErrorKind::Tls) {
      return fail(ErrorKind::Tls, "cannot download the discovery file " + where +
                                      ": its server is not trusted by this host's system roots (" +
                                      r.error().message() + ")");
    } else {
      problem = r.error().message();
    }
    spdlog::debug("[discovery] downloading {} failed, will retry: {}", where, problem);
    if (!deadline.pause_before_retry(retry_interval)) {
      return fail(ErrorKind::Timeout, "cannot download the discovery file " + where + " within " +
                                          format_duration(deadline.timeout()) + ": " + problem);
    }
  }
}

}  // namespace

bool is_https_url(std::string_view path_or_url) { return path_or_url.starts_with(kHttps); }

Result<DiscoveryFile> parse_discovery_file(std::string_view yaml, std::string_view source,
                                           std::string_view base_dir) {
  const std::string src(source);
  std::string resolved_yaml;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      return fail(ErrorKind::Validation,
                  "the discovery file " + src + " is not a kubeconfig (expected a YAML map)");
    }
    const YAML::Node& read_only = root;  // reads must not add keys to what is dumped below
    auto r = KADM_TRY(resolve_current(read_only, src));
    if (!r.user.empty() && !has_named(read_only["users"], r.user)) {
      return fail(ErrorKind::Validation, "the discovery file " + src + ": user \"" + r.user +
                                             "\" of the current context is not listed under "
                                             "\"users\"");
    }
    YAML::Node ctx;
    ctx["name"] = kResolvedContext;
    ctx["context"]["cluster"] = r.cluster;
    if (!r.user.empty()) ctx["context"]["user"] = r.user;
    YAML::Node contexts(YAML::NodeType::Sequence);
    contexts.push_back(ctx);
    root["contexts"] = contexts;
    root["current-context"] = kResolvedContext;
    resolved_yaml = YAML::Dump(root);
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation,
                "the discovery file " + src + " is not valid YAML: " + e.what());
  }
  // A file downloaded from a server may not make kadm read local files (and send a local token
  // or key to the server it names).
  const auto references =
      is_https_url(source) ? apiclient::FileReferences::Refuse : apiclient::FileReferences::Read;
  auto kc = KADM_TRY_CTX(apiclient::parse_kubeconfig(resolved_yaml, src, base_dir, references),
                         "the discovery file");
  DiscoveryFile out;
  out.source = src;
  out.server = kc.server;
  out.ca_pem = kc.ca_pem;
  out.client_cert_pem = kc.client_cert_pem;
  out.client_key_pem = kc.client_key_pem;
  out.token = kc.token;
  return out;
}

Result<DiscoveryFile> load_discovery_file(std::string_view path_or_url, DiscoveryDeadline& deadline,
                                          Duration retry_interval) {
  std::string where(path_or_url);
  if (where.starts_with(kFileUrl)) where.erase(0, kFileUrl.size());
  if (is_https_url(where)) {
    spdlog::info("[discovery] Downloading the discovery file from \"{}\"", where);
    std::string text = KADM_TRY(download(where, deadline, retry_interval));
    return parse_discovery_file(text, where);
  }
  auto text = fs::read_file(where);
  if (!text) {
    return fail(ErrorKind::Io,
                "cannot read the discovery file " + where + ": " + text.error().text());
  }
  return parse_discovery_file(*text, where, std::filesystem::path(where).parent_path().string());
}

Status check_bootstrap_credentials(const DiscoveryFile& file,
                                   const std::string& tls_bootstrap_token) {
  if (!tls_bootstrap_token.empty() || file.has_credentials()) return {};
  return fail(ErrorKind::Validation,
              "the discovery file " + file.source +
                  " carries no credentials for the TLS bootstrap (its current user has neither a "
                  "token nor a client certificate): give a bootstrap token with "
                  "--tls-bootstrap-token (discovery.tlsBootstrapToken in a JoinConfiguration), or "
                  "use a discovery file with credentials");
}

}  // namespace kadm::join
