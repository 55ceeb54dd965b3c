#include "preflight/external_etcd_version.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "apiclient/curl_client.h"

namespace kadm::preflight {

namespace {

// kubeadm's MinExternalEtcdVersion (cmd/kubeadm/app/constants/constants.go) by the Kubernetes
// minor it shipped with; a target uses the last row at or below its minor. Sources:
//  - 1.20: "3.2.18" (spec §8.2 [v1.20]; constants.go of v1.21 and v1.23 development trees,
//    unchanged since v1.11).
//  - 1.31: "3.5.11-0" (spec §8.2; still the value in the v1.33 development tree).
//  - 1.34: "3.5.24-0" (k8s.io/kubernetes v1.37.2 in the Go module cache, the v1.38 development
//    tree, and later v1.32 patch releases). Minors 1.24-1.30 and 1.32-1.33 keep the previous
//    row: a lower minimum only lets more servers through, never refuses a supported one.
struct MinEtcdRow {
  int minor;
  const char* version;
};
constexpr MinEtcdRow kMinExternalEtcd[] = {
    {20, "3.2.18"},
    {31, "3.5.11-0"},
    {34, "3.5.24-0"},
};

std::string hint_for(const std::string& endpoint) {
  return "check that etcd is running and reachable from this host at " + endpoint +
         ", and that etcd.external.caFile, certFile and keyFile are the ones its clients use";
}

struct Fetched {
  std::optional<EtcdVersionAnswer> answer;
  std::string last_error;
  int attempts = 0;
};

// kubeadm's loop: retry when no answer came back or the server answered 5xx; any other answer
// is final.
Fetched fetch_with_retries(const std::string& endpoint, const EtcdClientTls& tls,
                           const ExternalEtcdVersionOptions& o) {
  Fetched f;
  for (int attempt = 0; attempt <= o.retries; ++attempt) {
    if (attempt > 0) o.sleep(o.interval);
    ++f.attempts;
    auto got = o.fetch(endpoint, tls, o.timeout);
    if (!got) {
      f.last_error = got.error().text();
      continue;
    }
    if (got->status >= 500 && got->status <= 599) {
      f.last_error = "the server answered HTTP " + std::to_string(got->status);
      continue;
    }
    f.answer = std::move(*got);
    return f;
  }
  return f;
}

// The etcd server version from a /version body, or why there is none.
Result<std::string> etcdserver_field(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorKind::Validation, "the answer is not JSON");
  }
  auto it = doc.find("etcdserver");
  if (it == doc.end() || !it->is_string()) {
    return fail(ErrorKind::Validation, "the answer has no \"etcdserver\" field");
  }
  return it->get<std::string>();
}

Result<std::string> read_pem(const host::Host& host, const std::string& path,
                             std::string_view what) {
  if (path.empty()) return std::string();
  auto text = host.read_file(path);
  if (!text) {
    return fail(ErrorKind::Validation, "couldn't load the external etcd " + std::string(what) +
                                           " " + path + ": " + text.error().text());
  }
  return std::move(*text);
}

Result<EtcdClientTls> load_tls(const host::Host& host, const config::ExternalEtcd& etcd) {
  EtcdClientTls tls;
  tls.ca_pem = KADM_TRY(read_pem(host, etcd.ca_file, "CA certificate (caFile)"));
  // A client certificate needs both halves, as kubeadm: one alone is not used.
  if (!etcd.cert_file.empty() && !etcd.key_file.empty()) {
    tls.cert_pem = KADM_TRY(read_pem(host, etcd.cert_file, "client certificate (certFile)"));
    tls.key_pem = KADM_TRY(read_pem(host, etcd.key_file, "client key (keyFile)"));
  }
  return tls;
}

// Findings for one endpoint; `tls` is loaded on first need.
void check_endpoint(const std::string& endpoint, const config::KubeVersion& target,
                    const std::string& minimum, const ExternalEtcdVersionOptions& o,
                    const std::function<Result<const EtcdClientTls*>()>& tls, Findings& f) {
  bool https = endpoint.starts_with("https://");
  if (!https && !endpoint.starts_with("http://")) {
    f.errors.push_back("external etcd endpoint \"" + endpoint +
                       "\" is not an http:// or https:// URL; fix etcd.external.endpoints");
    return;
  }
  static const EtcdClientTls kNone;
  const EtcdClientTls* material = &kNone;
  if (https) {
    auto loaded = tls();
    if (!loaded) {
      f.errors.push_back(loaded.error().text());
      return;
    }
    material = *loaded;
  }
  auto fetched = fetch_with_retries(endpoint, *material, o);
  if (!fetched.answer) {
    f.errors.push_back("cannot read the version of external etcd " + endpoint + " (" +
                       std::to_string(fetched.attempts) + " attempts): " + fetched.last_error +
                       "; " + hint_for(endpoint));
    return;
  }
  if (fetched.answer->status < 200 || fetched.answer->status > 299) {
    f.errors.push_back("external etcd " + endpoint + " answered GET /version with HTTP " +
                       std::to_string(fetched.answer->status) + "; is this an etcd client URL?");
    return;
  }
  auto server = etcdserver_field(fetched.answer->body);
  if (!server) {
    f.errors.push_back("external etcd " + endpoint + " answered GET /version with something " +
                       "that is not etcd's version document: " + server.error().text() +
                       "; is this an etcd client URL?");
    return;
  }
  auto version = config::parse_kube_version(*server);
  if (!version) {
    f.errors.push_back("couldn't parse the version \"" + *server + "\" of external etcd " +
                       endpoint);
    return;
  }
  auto min = config::parse_kube_version(minimum);
  if (min && *version < *min) {
    f.errors.push_back("external etcd " + endpoint + " runs version " + *server +
                       ", but Kubernetes v" + std::to_string(target.major) + "." +
                       std::to_string(target.minor) + " needs etcd >= " + minimum +
                       "; upgrade the etcd cluster, or choose an older kubernetesVersion");
  }
}

}  // namespace

std::string min_external_etcd_version(const config::KubeVersion& target) {
  const char* found = kMinExternalEtcd[0].version;
  for (const auto& row : kMinExternalEtcd) {
    if (target.at_least(1, row.minor)) found = row.version;
  }
  return found;
}

Check external_etcd_version(config::ExternalEtcd etcd, config::KubeVersion target,
                            ExternalEtcdVersionOptions options) {
  if (!options.fetch) options.fetch = fetch_etcd_version;
  if (!options.sleep) options.sleep = [](Duration d) { std::this_thread::sleep_for(d); };
  std::string minimum = min_external_etcd_version(target);
  auto run = [etcd, target, options, minimum](const host::Host& host) {
    Findings f;
    std::optional<Result<EtcdClientTls>> tls;
    auto get_tls = [&]() -> Result<const EtcdClientTls*> {
      if (!tls) tls = load_tls(host, etcd);
      if (!*tls) return std::unexpected(tls->error());
      return &**tls;
    };
    for (const auto& endpoint : etcd.endpoints) {
      check_endpoint(endpoint, target, minimum, options, get_tls, f);
    }
    return f;
  };
  return Check{"ExternalEtcdVersion", Severity::Error, run, std::nullopt,
               "run etcd " + minimum + " or newer on every external endpoint"};
}

Result<EtcdVersionAnswer> fetch_etcd_version(const std::string& endpoint, const EtcdClientTls& tls,
                                             Duration timeout) {
  apiclient::Kubeconfig kc;
  kc.source = "external etcd " + endpoint;
  kc.server = endpoint;
  kc.ca_pem = tls.ca_pem;
  kc.client_cert_pem = tls.cert_pem;
  kc.client_key_pem = tls.key_pem;
  apiclient::CurlClientOptions o;
  o.request_timeout = timeout;
  o.connect_timeout = timeout;
  o.retry.max_attempts = 1;  // the check owns the retry policy
  o.retry.total_deadline = timeout + Duration{1000};
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, o));
  apiclient::Request request;
  request.method = "GET";
  request.path = "/version";
  auto raw = client->send_raw(request);
  if (!raw) return fail(raw.error().kind(), raw.error().message());
  return EtcdVersionAnswer{raw->status, std::move(raw->body)};
}

}  // namespace kadm::preflight
