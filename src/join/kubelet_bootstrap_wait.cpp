#include "join/kubelet_bootstrap_wait.h"

#include <spdlog/spdlog.h>

#include "apiclient/json_access.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/wait.h"
#include "certs/keys.h"
#include "certs/x509.h"
#include "common/constants.h"
#include "common/strings.h"
#include "kubelet/node_csr.h"

namespace kadm::join {

namespace {

using apiclient::member;
using apiclient::text_member;
using constants::kNodeUserPrefix;
using kubelet::csr_common_name;
using kubelet::csr_state;
using kubelet::CsrState;
using kubelet::kKubeletClientSigner;
using nlohmann::json;

constexpr std::string_view kCsrCollection =
    "/apis/certificates.k8s.io/v1/certificatesigningrequests";

bool has_condition(const json& csr, std::string_view type) {
  for (const auto& c : member(member(csr, "status"), "conditions")) {
    std::string holds = text_member(c, "status");
    if (text_member(c, "type") == type && (holds.empty() || holds == "True")) return true;
  }
  return false;
}

// What each state of a bootstrap CSR means for the join, and what to do about it.
std::string explain(const json& csr, std::string_view username) {
  const std::string name = text_member(member(csr, "metadata"), "name");
  const std::string who = "CertificateSigningRequest " + name + " from " + std::string(username);
  auto state = csr_state(csr);
  switch (state.phase) {
    case CsrState::Phase::Denied:
    case CsrState::Phase::Failed:
      return who + " was refused (" + state.reason + ")";
    case CsrState::Phase::Issued:
      return who + " was signed, but the kubelet has not written a usable kubelet.conf with it";
    case CsrState::Phase::Pending:
      break;
  }
  if (has_condition(csr, "Approved")) {
    return who +
           " was approved but not signed: check that kube-controller-manager runs the "
           "csrsigning controller with the cluster CA (--cluster-signing-cert-file, "
           "--cluster-signing-key-file)";
  }
  return who +
         " is waiting for approval: check that the ClusterRoleBinding "
         "kubeadm:node-autoapprove-bootstrap exists (init's bootstrap-token phase creates it) and "
         "that kube-controller-manager runs the csrapprover controller, or approve it on a "
         "control-plane node with `kubectl certificate approve " +
         name + "`";
}

}  // namespace

Status kubelet_conf_usable(const std::filesystem::path& kubelet_conf, std::string_view node_name,
                           std::string_view ca_pem) {
  auto kc = KADM_TRY(apiclient::load_kubeconfig(kubelet_conf.string()));
  if (kc.client_cert_pem.empty() || kc.client_key_pem.empty()) {
    return fail(ErrorKind::Validation,
                kubelet_conf.string() + " names no client certificate and key yet");
  }
  const std::string source =
      kc.client_cert_file.empty() ? kubelet_conf.string() : kc.client_cert_file;
  auto cert = KADM_TRY_CTX(certs::load_certificate(kc.client_cert_pem),
                           "the client certificate of " + source);
  auto key = KADM_TRY_CTX(certs::load_private_key(kc.client_key_pem),
                          "the client key of " + kubelet_conf.string());
  if (!certs::key_matches_certificate(cert.get(), key.get())) {
    return fail(ErrorKind::Tls, "the client certificate and key of " + kubelet_conf.string() +
                                    " do not belong together");
  }
  if (!node_name.empty()) {
    std::string want = std::string(kNodeUserPrefix) + std::string(node_name);
    auto got = certs::inspect(cert.get()).common_name;
    if (got != want) {
      return fail(ErrorKind::Tls, "the client certificate of " + source + " is for \"" + got +
                                      "\", not \"" + want + "\"");
    }
  }
  if (!ca_pem.empty()) {
    auto ca = KADM_TRY_CTX(certs::load_certificate(ca_pem), "the cluster CA");
    KADM_TRY_CTX(certs::verify_signed_by(cert.get(), ca.get()),
                 "the client certificate of " + source + " against the cluster CA");
  }
  return {};
}

std::string bootstrap_token_user(std::string_view token) {
  auto dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return "system:bootstrap:" + std::string(token.substr(0, dot));
}

std::string bootstrap_csr_diagnosis(const json& csr_list, std::string_view username,
                                    std::string_view node_name) {
  const std::string node_user =
      node_name.empty() ? std::string() : std::string(kNodeUserPrefix) + std::string(node_name);
  auto for_this_node = [&](const json& spec) {
    if (node_user.empty()) return true;
    std::string pem;
    return str::base64_decode(text_member(spec, "request"), pem) &&
           csr_common_name(pem) == node_user;
  };
  const json* newest = nullptr;
  int count = 0;
  for (const auto& csr : member(csr_list, "items")) {
    const auto& spec = member(csr, "spec");
    if (text_member(spec, "username") != username || !for_this_node(spec)) continue;
    ++count;
    auto created = [](const json& c) {
      return text_member(member(c, "metadata"), "creationTimestamp");
    };
    // RFC 3339 timestamps in UTC order as strings.
    if (!newest || created(csr) >= created(*newest)) newest = &csr;
  }
  if (!newest) {
    return "no CertificateSigningRequest" + (node_user.empty() ? "" : " for " + node_user) +
           " from " + std::string(username) +
           " reached the API server, so the kubelet did not get as far as the TLS bootstrap "
           "(is it running, with --bootstrap-kubeconfig?)";
  }
  std::string text = explain(*newest, username);
  if (count > 1) text += " (newest of " + std::to_string(count) + ")";
  return text;
}

Status wait_for_kubelet_bootstrap(const KubeletBootstrapWait& wait, apiclient::Client& client) {
  spdlog::info("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap");
  apiclient::WaitOptions o;
  o.interval = wait.interval;
  o.timeout = wait.timeout;
  o.clock = wait.clock;
  o.what = "the kubelet to perform the TLS bootstrap";
  auto done = apiclient::wait_for(
      [&]() -> Result<bool> {
        KADM_TRY(kubelet_conf_usable(wait.kubelet_conf, wait.node_name, wait.ca_pem));
        return true;
      },
      o);
  if (done) return {};

  std::string msg = done.error().message();
  if (!wait.csr_username.empty()) {
    std::string selector = "?fieldSelector=spec.signerName%3D" + std::string(kKubeletClientSigner);
    auto list = client.list(std::string(kCsrCollection) + selector);
    msg += "; " +
           (list ? bootstrap_csr_diagnosis(*list, wait.csr_username, wait.node_name)
                 : "cannot list CertificateSigningRequests to see why: " + list.error().message());
  }
  msg += "; the kubelet's log says more: `journalctl -xeu kubelet`, `systemctl status kubelet`";
  return fail(ErrorKind::Timeout, msg);
}

}  // namespace kadm::join
