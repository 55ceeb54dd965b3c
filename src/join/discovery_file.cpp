#include "join/discovery_file.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "common/fs.h"

namespace kadm::join {

namespace {

constexpr std::string_view kHttps = "https://";
constexpr std::string_view kFileUrl = "file://";

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
  apiclient::ReadOptions o;
  o.source = std::string(source);
  o.base_dir = std::string(base_dir);
  o.cluster = apiclient::ClusterChoice::UnnamedOrCurrentContext;
  // A file downloaded from a server may not make kadm read local files (and send a local token
  // or key to the server it names).
  o.references =
      is_https_url(source) ? apiclient::FileReferences::Refuse : apiclient::FileReferences::Read;
  auto file = apiclient::read_kubeconfig(yaml, o);
  if (!file) return fail_with(std::move(file), "the discovery file");
  return file;
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
