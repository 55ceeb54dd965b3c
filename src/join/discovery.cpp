#include "join/discovery.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/objects.h"
#include "certs/x509.h"
#include "common/fs.h"
#include "common/strings.h"
#include "token/jws.h"

namespace kadm::join {

namespace {

constexpr std::string_view kClusterInfo = "cluster-info";
constexpr std::string_view kKubeconfigKey = "kubeconfig";
constexpr std::string_view kSignaturePrefix = "jws-kubeconfig-";

std::string data_value(const nlohmann::json& configmap, std::string_view key) {
  const auto& data = configmap.contains("data") ? configmap["data"] : nlohmann::json::object();
  auto it = data.find(std::string(key));
  if (it == data.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// cluster-info holds one cluster and no context (spec §5.1), so it is read by hand rather than
// through the current-context resolution of a regular kubeconfig.
Result<DiscoveredCluster> cluster_from_kubeconfig(const std::string& text,
                                                  std::string_view source) {
  const std::string where(source);
  try {
    YAML::Node root = YAML::Load(text);
    YAML::Node clusters = root["clusters"];
    if (!clusters || !clusters.IsSequence() || clusters.size() != 1) {
      return fail(ErrorKind::Validation, where + " must contain exactly one cluster");
    }
    YAML::Node cluster = clusters[0]["cluster"];
    DiscoveredCluster out;
    out.server = cluster["server"] ? cluster["server"].as<std::string>() : "";
    std::string ca_b64 = cluster["certificate-authority-data"]
                             ? cluster["certificate-authority-data"].as<std::string>()
                             : "";
    if (!ca_b64.empty() && !str::base64_decode(ca_b64, out.ca_pem)) {
      return fail(ErrorKind::Validation, where + ": certificate-authority-data is not base64");
    }
    if (out.server.empty()) return fail(ErrorKind::Validation, where + " has no server");
    return out;
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, "cannot parse " + where + ": " + e.what());
  }
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

// Short attempts: the loop around them is what waits.
apiclient::CurlClientOptions short_attempts(const DiscoveryOptions& o) {
  apiclient::CurlClientOptions c;
  c.request_timeout = Duration{5000};
  c.connect_timeout = Duration{2000};
  c.retry.max_attempts = 1;
  c.retry.total_deadline = Duration{5000};
  c.clock = o.clock;
  return c;
}

std::string cluster_info_path() {
  return apiclient::configmap_path(apiclient::kKubePublic, kClusterInfo);
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
  std::string signature = data_value(configmap, std::string(kSignaturePrefix) + tok.id);
  if (signature.empty()) return fail(ErrorKind::NotFound, invalid_token_message(tok.id));
  if (!token::detached_signature_is_valid(signature, kubeconfig, tok.id, tok.secret)) {
    return fail(ErrorKind::Tls,
                "failed to verify the JWS signature of the cluster-info ConfigMap for token id \"" +
                    tok.id +
                    "\": its content was changed after signing or the token secret is wrong; "
                    "this API server cannot be trusted");
  }
  auto cluster = KADM_TRY(cluster_from_kubeconfig(kubeconfig, "the cluster-info kubeconfig"));
  if (cluster.ca_pem.empty()) {
    return fail(ErrorKind::Tls, "the cluster-info kubeconfig has no certificate-authority-data");
  }
  if (!skip_ca_verification) KADM_TRY(check_pins(cluster.ca_pem, pins));
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
  const auto start = clock.now();
  const auto deadline = start + o.timeout;
  auto insecure = KADM_TRY(apiclient::CurlClient::insecure(server, short_attempts(o)));

  spdlog::info("[discovery] Requesting cluster-info from \"{}\" (not yet trusted)", server);
  std::string first_kubeconfig;
  DiscoveredCluster found;
  std::string last_error;
  for (;;) {
    auto cm = insecure->get(cluster_info_path());
    if (cm) {
      auto verified = verify_cluster_info(*cm, tok, pins, d.unsafe_skip_ca_verification);
      if (verified) {
        found = std::move(*verified);
        first_kubeconfig = data_value(*cm, kKubeconfigKey);
        break;
      }
      bool unsigned_yet = verified.error().kind() == ErrorKind::NotFound;
      if (!unsigned_yet || clock.now() - start >= o.signature_grace) {
        return std::unexpected(verified.error());
      }
      last_error = "cluster-info is not signed for token id \"" + tok.id + "\" yet";
    } else {
      last_error = cm.error().message();
    }
    spdlog::debug("[discovery] not yet: {}", last_error);
    if (clock.now() + o.poll_interval >= deadline) {
      return fail(ErrorKind::Timeout, "could not discover the cluster at " + server + " within " +
                                          format_duration(o.timeout) + ": " + last_error);
    }
    clock.sleep_for(o.poll_interval);
  }

  if (!d.unsafe_skip_ca_verification || !pins.empty()) {
    spdlog::info("[discovery] Requesting cluster-info from \"{}\" again, trusting the pinned CA",
                 server);
    apiclient::Kubeconfig trusted;
    trusted.source = "the pinned cluster CA";
    trusted.server = server;
    trusted.ca_pem = found.ca_pem;
    auto secure = KADM_TRY(apiclient::CurlClient::from_kubeconfig(trusted, short_attempts(o)));
    for (;;) {
      auto cm = secure->get(cluster_info_path());
      if (cm) {
        if (data_value(*cm, kKubeconfigKey) != first_kubeconfig) {
          return fail(ErrorKind::Tls,
                      "the cluster-info read over TLS verified with the pinned CA differs from the "
                      "first, unverified read: this API server cannot be trusted");
        }
        break;
      }
      last_error = cm.error().message();
      if (cm.error().kind() == ErrorKind::Tls ||
          last_error.find("certificate") != std::string::npos) {
        return fail(ErrorKind::Tls,
                    "the API server at " + server +
                        " does not present a certificate signed by the pinned CA: " + last_error);
      }
      if (clock.now() + o.poll_interval >= deadline) {
        return fail(ErrorKind::Timeout, "could not read cluster-info over verified TLS from " +
                                            server + " within " + format_duration(o.timeout) +
                                            ": " + last_error);
      }
      clock.sleep_for(o.poll_interval);
    }
  }
  spdlog::info(
      "[discovery] cluster-info is signed by token id \"{}\" and its CA is pinned; using API "
      "server "
      "\"{}\"",
      tok.id, found.server);
  return found;
}

Result<DiscoveredCluster> discover_with_file(const config::FileDiscovery& d,
                                             const DiscoveryOptions& o) {
  std::string path = d.kube_config_path;
  if (path.starts_with("file://")) path = path.substr(7);
  if (path.starts_with("https://")) {
    auto slash = path.find('/', 8);
    apiclient::Kubeconfig origin;
    origin.source = path;
    origin.server = path.substr(0, slash);
    auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(origin, short_attempts(o)));
    apiclient::Request req;
    req.method = "GET";
    req.path = slash == std::string::npos ? "/" : path.substr(slash);
    auto r = client->send_raw(req);
    if (!r)
      return fail(ErrorKind::Api,
                  "cannot download the discovery file " + path + ": " + r.error().message());
    if (r->status != 200) {
      return fail(ErrorKind::Api, "cannot download the discovery file " + path + ": HTTP " +
                                      std::to_string(r->status));
    }
    auto kc = KADM_TRY_CTX(apiclient::parse_kubeconfig(r->body, path), "the discovery file");
    DiscoveredCluster out;
    out.server = kc.server;
    out.ca_pem = kc.ca_pem;
    out.client_cert_pem = kc.client_cert_pem;
    out.client_key_pem = kc.client_key_pem;
    out.token = kc.token;
    return out;
  }
  auto kc = KADM_TRY(apiclient::load_kubeconfig(path));
  DiscoveredCluster out;
  out.server = kc.server;
  out.ca_pem = kc.ca_pem;
  out.client_cert_pem = kc.client_cert_pem;
  out.client_key_pem = kc.client_key_pem;
  out.token = kc.token;
  if (out.server.empty()) return fail(ErrorKind::Validation, path + " has no server");
  return out;
}

Result<DiscoveredCluster> discover(const config::Discovery& d, const DiscoveryOptions& o) {
  if (d.bootstrap_token) return discover_with_token(*d.bootstrap_token, o);
  if (d.file) return discover_with_file(*d.file, o);
  return fail(ErrorKind::Validation,
              "no discovery method: give an API server endpoint with --token and "
              "--discovery-token-ca-cert-hash, or --discovery-file");
}

}  // namespace kadm::join
