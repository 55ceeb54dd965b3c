#include "join/discovery.h"

#include "apiclient/json_access.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "apiclient/backoff.h"
#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/objects.h"
#include "certs/x509.h"
#include "common/strings.h"
#include "join/discovery_file.h"
#include "token/jws.h"

namespace kadm::join {

namespace {

constexpr std::string_view kClusterInfo = "cluster-info";
constexpr std::string_view kKubeconfigKey = "kubeconfig";

std::string data_value(const nlohmann::json& configmap, std::string_view key) {
  return apiclient::text_member(apiclient::member(configmap, "data"), key);
}

// cluster-info holds one cluster and no context (spec §5.1); it comes from a server not trusted
// yet, so it may not name local files.
Result<DiscoveredCluster> cluster_from_kubeconfig(const std::string& text) {
  apiclient::ReadOptions o;
  o.source = "in the cluster-info ConfigMap";
  o.references = apiclient::FileReferences::Refuse;
  o.cluster = apiclient::ClusterChoice::SoleCluster;
  auto kc = KADM_TRY(apiclient::read_kubeconfig(text, o));
  DiscoveredCluster out;
  out.server = std::move(kc.server);
  out.ca_pem = std::move(kc.ca_pem);
  return out;
}

Status check_pins(const std::string& ca_pem, const certs::PinSet& pins) {
  auto certs_in = KADM_TRY_CTX(certs::load_certificates(ca_pem),
                               "cluster CA found in cluster-info ConfigMap is invalid");
  std::vector<X509*> raw;
  for (auto& c : certs_in) raw.push_back(c.get());
  if (raw.empty()) {
    return fail(ErrorKind::Tls,
                "cluster CA found in cluster-info ConfigMap is invalid: no certificate");
  }
  if (auto s = pins.check_any(raw); !s) {
    return fail(ErrorKind::Tls,
                "cluster CA found in cluster-info ConfigMap is invalid: " + s.error().message() +
                    ". The --discovery-token-ca-cert-hash does not match this cluster's CA: check "
                    "the join command, or a machine in the middle is answering");
  }
  return {};
}

apiclient::Clock& clock_of(const DiscoveryOptions& o) {
  return o.clock ? *o.clock : apiclient::real_clock();
}

// One attempt per call: the loops around them retry, each attempt cut to what is left of the
// discovery timeout (Request::timeout).
apiclient::CurlClientOptions single_attempts(const DiscoveryOptions& o) {
  apiclient::CurlClientOptions c;
  c.request_timeout = o.attempt_cap;
  c.connect_timeout = std::min(o.attempt_cap, Duration{2000});
  c.retry.max_attempts = 1;
  c.retry.total_deadline = o.timeout;
  c.clock = o.clock;
  c.max_body_bytes = kMaxDiscoveryBodyBytes;
  return c;
}

std::string cluster_info_path() {
  return apiclient::configmap_path(apiclient::kKubePublic, kClusterInfo);
}

apiclient::ApiResult<nlohmann::json> get_cluster_info(apiclient::CurlClient& client,
                                                      const DiscoveryDeadline& deadline) {
  apiclient::Request req;
  req.method = "GET";
  req.path = cluster_info_path();
  req.timeout = deadline.attempt_timeout();
  return client.send(req);
}

std::string timed_out(const DiscoveryDeadline& deadline) {
  return " within " + format_duration(deadline.timeout());
}

apiclient::Backoff pauses(const DiscoveryOptions& o) {
  return apiclient::Backoff(apiclient::BackoffPolicy{o.poll_interval, 2.0,
                                                     std::max(o.backoff_max, o.poll_interval),
                                                     /*full_jitter=*/true, 0});
}

// The last failure of an attempt, said so that an overloaded server is not mistaken for a
// problem with the token or the CA.
std::string attempt_error(const apiclient::ApiError& e) {
  std::string text = e.message();
  if (e.http_status() == 429 || e.http_status() == 503) {
    text += " (the API server is overloaded or starting, which says nothing about the token";
    if (e.retry_after()) text += "; it asked to retry after " + format_duration(*e.retry_after());
    text += ")";
  } else if (e.is_transient()) {
    text += " (the API server did not answer in time or refused the connection)";
  }
  return text;
}

}  // namespace

std::string invalid_token_message(std::string_view token_id) {
  return "token id \"" + std::string(token_id) +
         "\" is invalid for this cluster or it has expired. Create a new one with `kadm token "
         "create --print-join-command` on a control-plane node";
}

Result<DiscoveredCluster> verify_cluster_info(const nlohmann::json& configmap,
                                              const token::TokenString& tok,
                                              const certs::PinSet& pins,
                                              bool skip_ca_verification) {
  std::string kubeconfig = data_value(configmap, kKubeconfigKey);
  if (kubeconfig.empty()) {
    return fail(ErrorKind::Validation,
                "there is no kubeconfig key in the cluster-info ConfigMap: this API server is not "
                "set up for token bootstrapping");
  }
  // The pins come before the signature: a CA that matches no pin is refused at once, while an
  // unsigned token may still be signed within the grace.
  auto cluster = KADM_TRY(cluster_from_kubeconfig(kubeconfig));
  if (cluster.ca_pem.empty()) {
    return fail(ErrorKind::Tls, "the cluster-info kubeconfig has no certificate-authority-data");
  }
  // As kubeadm: every pin given is checked; the unsafe flag only allows having none.
  if (!pins.empty() || !skip_ca_verification) KADM_TRY(check_pins(cluster.ca_pem, pins));
  std::string signature = data_value(configmap, std::string(token::kSignatureKeyPrefix) + tok.id);
  if (signature.empty()) return fail(ErrorKind::NotFound, invalid_token_message(tok.id));
  if (!token::detached_signature_is_valid(signature, kubeconfig, tok.id, tok.secret)) {
    return fail(ErrorKind::Tls,
                "failed to verify the JWS signature of the cluster-info ConfigMap for token id \"" +
                    tok.id +
                    "\": its content was changed after signing or the token secret is wrong; "
                    "this API server cannot be trusted");
  }
  return cluster;
}

Result<DiscoveredCluster> discover_with_token(const config::BootstrapTokenDiscovery& d,
                                              const DiscoveryOptions& o) {
  auto tok = KADM_TRY(token::parse_token(d.token));
  certs::PinSet pins;
  for (const auto& h : d.ca_cert_hashes)
    KADM_TRY_CTX(pins.allow(h), "--discovery-token-ca-cert-hash");
  if (pins.empty() && !d.unsafe_skip_ca_verification) {
    return fail(ErrorKind::Validation,
                "token discovery needs --discovery-token-ca-cert-hash (or, knowingly, "
                "--discovery-token-unsafe-skip-ca-verification)");
  }
  if (d.unsafe_skip_ca_verification && pins.empty()) {
    spdlog::warn(
        "[discovery] WARNING: the cluster CA is not verified (--discovery-token-unsafe-skip-ca-"
        "verification): anyone able to answer on {} with this token could impersonate the cluster",
        d.api_server_endpoint);
  }
  const std::string server = "https://" + d.api_server_endpoint;
  auto& clock = clock_of(o);
  DiscoveryDeadline deadline(clock, o.timeout, o.attempt_cap);
  auto insecure = KADM_TRY(apiclient::CurlClient::insecure(server, single_attempts(o)));

  spdlog::info("[discovery] Requesting cluster-info from \"{}\" (not yet trusted)", server);
  std::string first_kubeconfig;
  DiscoveredCluster found;
  std::string last_error;
  auto backoff = pauses(o);
  // When cluster-info was first read: the signature grace runs from there.
  std::optional<apiclient::Clock::TimePoint> first_answer;
  for (;;) {
    std::optional<Duration> server_wait;
    auto cm = get_cluster_info(*insecure, deadline);
    if (cm) {
      if (!first_answer) first_answer = clock.now();
      auto verified = verify_cluster_info(*cm, tok, pins, d.unsafe_skip_ca_verification);
      if (verified) {
        found = std::move(*verified);
        first_kubeconfig = data_value(*cm, kKubeconfigKey);
        break;
      }
      bool unsigned_yet = verified.error().kind() == ErrorKind::NotFound;
      if (!unsigned_yet || clock.now() - *first_answer >= o.signature_grace) {
        return std::unexpected(verified.error());
      }
      last_error = "cluster-info is not signed for token id \"" + tok.id + "\" yet";
    } else {
      last_error = attempt_error(cm.error());
      server_wait = cm.error().retry_after();
    }
    spdlog::debug("[discovery] not yet: {}", last_error);
    if (!deadline.pause_before_retry(backoff.next(server_wait))) {
      return fail(ErrorKind::Timeout, "could not discover the cluster at " + server +
                                          timed_out(deadline) + ": " + last_error);
    }
  }

  if (!d.unsafe_skip_ca_verification || !pins.empty()) {
    spdlog::info("[discovery] Requesting cluster-info from \"{}\" again, trusting the pinned CA",
                 server);
    apiclient::Kubeconfig trusted;
    trusted.source = "the pinned cluster CA";
    trusted.server = server;
    trusted.ca_pem = found.ca_pem;
    auto secure = KADM_TRY(apiclient::CurlClient::from_kubeconfig(trusted, single_attempts(o)));
    backoff.reset();
    for (;;) {
      auto cm = get_cluster_info(*secure, deadline);
      if (cm) {
        if (data_value(*cm, kKubeconfigKey) != first_kubeconfig) {
          return fail(ErrorKind::Tls,
                      "the cluster-info read over TLS verified with the pinned CA differs from the "
                      "first, unverified read: this API server cannot be trusted");
        }
        break;
      }
      last_error = attempt_error(cm.error());
      if (cm.error().kind() == ErrorKind::Tls ||
          cm.error().message().find("certificate") != std::string::npos) {
        return fail(
            ErrorKind::Tls,
            "the API server at " + server +
                " does not present a certificate signed by the pinned CA: " + cm.error().message());
      }
      if (!deadline.pause_before_retry(backoff.next(cm.error().retry_after()))) {
        return fail(ErrorKind::Timeout, "could not read cluster-info over verified TLS from " +
                                            server + timed_out(deadline) + ": " + last_error);
      }
    }
  }
  spdlog::info("[discovery] cluster-info is signed by token id \"{}\"{}; using API server \"{}\"",
               tok.id, pins.empty() ? "" : " and its CA is pinned", found.server);
  return found;
}

DiscoveredCluster from_file(const DiscoveryFile& file) {
  DiscoveredCluster out;
  out.server = file.server;
  out.ca_pem = file.ca_pem;
  out.client_cert_pem = file.client_cert_pem;
  out.client_key_pem = file.client_key_pem;
  out.token = file.token;
  return out;
}

DiscoveredCluster merge_cluster_info(const DiscoveryFile& file, const nlohmann::json& configmap) {
  DiscoveredCluster out = from_file(file);
  auto fresh = cluster_from_kubeconfig(data_value(configmap, kKubeconfigKey));
  if (!fresh) {
    // The TLS connection has already proven the server; the file stays the reference.
    spdlog::warn("[discovery] cluster-info is not usable ({}); using the discovery file as is",
                 fresh.error().message());
    return out;
  }
  if (out.ca_pem.empty() && !fresh->ca_pem.empty()) {
    spdlog::info(
        "[discovery] The discovery file has no CA data: using the cluster CA from "
        "cluster-info");
    out.ca_pem = fresh->ca_pem;
  }
  if (fresh->server != file.server) {
    spdlog::warn(
        "[discovery] WARNING: cluster-info names the API server \"{}\" but the discovery "
        "file names \"{}\"; using the discovery file's",
        fresh->server, file.server);
  }
  return out;
}

Result<DiscoveredCluster> discover_with_file(const config::FileDiscovery& d,
                                             const std::string& tls_bootstrap_token,
                                             const DiscoveryOptions& o) {
  DiscoveryDeadline deadline(clock_of(o), o.timeout, o.attempt_cap);
  auto file = KADM_TRY(load_discovery_file(d.kube_config_path, deadline, o.poll_interval));
  KADM_TRY(check_bootstrap_credentials(file, tls_bootstrap_token));

  // Reading cluster-info proves the file's CA against the server before anything is written;
  // without credentials of its own the file's cluster is read anonymously.
  apiclient::Kubeconfig reader = file;
  reader.source = "the discovery file " + file.source;
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(reader, single_attempts(o)));
  spdlog::info("[discovery] Requesting cluster-info from \"{}\" trusting the discovery file's {}",
               file.server, file.ca_pem.empty() ? "system roots" : "CA");
  DiscoveredCluster found;
  auto backoff = pauses(o);
  for (;;) {
    auto cm = get_cluster_info(*client, deadline);
    if (cm) {
      found = merge_cluster_info(file, *cm);
      break;
    }
    const auto& e = cm.error();
    if (e.is_forbidden() || e.is_unauthorized() || e.is_not_found()) {
      spdlog::warn(
          "[discovery] cluster-info cannot be read ({}), but the server's TLS certificate "
          "is valid: proceeding with the discovery file",
          e.http_status());
      found = from_file(file);
      break;
    }
    if (e.kind() == ErrorKind::Tls) {
      return fail(
          ErrorKind::Tls,
          "the API server at " + file.server + " is not trusted by the " +
              (file.ca_pem.empty() ? "system roots" : "CA of the discovery file " + file.source) +
              ": " + e.message() +
              ". Check that the discovery file holds this cluster's CA (kube-public/"
              "cluster-info on a control-plane node)");
    }
    spdlog::debug("[discovery] reading cluster-info failed, will retry: {}", e.message());
    if (!deadline.pause_before_retry(backoff.next(e.retry_after()))) {
      return fail(ErrorKind::Timeout, "could not read cluster-info from " + file.server +
                                          timed_out(deadline) + ": " + attempt_error(e));
    }
  }
  if (found.ca_pem.empty()) {
    spdlog::warn(
        "[discovery] WARNING: no cluster CA known (neither in the discovery file nor "
        "from cluster-info): /etc/kubernetes/pki/ca.crt stays empty");
  }
  if (!tls_bootstrap_token.empty()) {
    found.client_cert_pem.clear();
    found.client_key_pem.clear();
    found.token = tls_bootstrap_token;
  }
  spdlog::info("[discovery] Using API server \"{}\" from the discovery file", found.server);
  return found;
}

Result<DiscoveredCluster> discover(const config::Discovery& d, const DiscoveryOptions& o) {
  if (d.bootstrap_token) return discover_with_token(*d.bootstrap_token, o);
  if (d.file) return discover_with_file(*d.file, d.tls_bootstrap_token, o);
  return fail(ErrorKind::Validation,
              "no discovery method: give an API server endpoint with --token and "
              "--discovery-token-ca-cert-hash, or --discovery-file");
}

}  // namespace kadm::join
