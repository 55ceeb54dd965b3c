#include "kubelet/client_credentials.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "apiclient/clock.h"
#include "apiclient/wait.h"
#include "certs/keys.h"
#include "certs/x509.h"
#include "common/constants.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubelet/node_csr.h"

namespace kadm::kubelet {

namespace {

using constants::kNodeUserPrefix;

// Sends the node's CSR and watches it until it is signed or refused. The timeout bounds the
// whole of it, the create's retries included.
Result<std::string> request_certificate(apiclient::Client& client, EVP_PKEY* key,
                                        const ClientCredentialsRequest& r) {
  auto& clock = apiclient::real_clock();
  const auto start = clock.now();
  std::string csr_pem = KADM_TRY(node_csr_pem(key, r.node));
  std::string name = KADM_TRY(node_csr_name());
  bool rsa = EVP_PKEY_base_id(key) == EVP_PKEY_RSA;
  const std::string collection = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
  spdlog::info("[kubelet-start] Requesting a client certificate for \"{}{}\" (CSR {})",
               kNodeUserPrefix, r.node, name);
  // The name is this request's alone, so sending it again after a timeout is harmless: a second
  // arrival is refused as AlreadyExists, and that object is ours.
  apiclient::Request create{
      "POST",       collection,         node_csr_object(name, csr_pem, rsa), "application/json",
      std::nullopt, /*idempotent=*/true};
  if (auto sent = client.send(create); !sent && !sent.error().is_already_exists()) {
    return fail(sent.error().is_transient() ? ErrorKind::Timeout : ErrorKind::Api,
                "cannot create the CertificateSigningRequest: " + sent.error().message());
  }
  apiclient::WatchWaitOptions wait;
  wait.timeout =
      std::max(r.timeout - std::chrono::duration_cast<Duration>(clock.now() - start), Duration{1});
  wait.what = "the CertificateSigningRequest " + name + " to be signed (TLS bootstrap timeout " +
              format_duration(r.timeout) + ")";
  auto obj = apiclient::watch_for_object(
      client, collection, name,
      [](const auto& csr) { return csr_state(csr).phase != CsrState::Phase::Pending; }, wait);
  if (!obj) {
    return fail(obj.error().kind(),
                obj.error().message() +
                    "; check that kube-controller-manager runs with the csrapprover and "
                    "csrsigning controllers and that init created the node auto-approval binding");
  }
  auto st = csr_state(*obj);
  if (st.phase != CsrState::Phase::Issued) {
    return fail(ErrorKind::Api,
                "the CertificateSigningRequest " + name + " was refused (" + st.reason + ")");
  }
  return st.certificate_pem;
}

}  // namespace

std::string kubelet_kubeconfig(const std::string& server, const std::string& ca_pem,
                               const std::string& client_pem_path) {
  // The user names the current symlink, so the kubelet keeps working across rotations.
  return kubeconfig::render({.cluster_name = "default-cluster",
                             .server = server,
                             .ca_pem = ca_pem,
                             .user = "default-auth",
                             .client_cert_pem = "",
                             .client_key_pem = "",
                             .token = "",
                             .client_cert_file = client_pem_path,
                             .client_key_file = client_pem_path});
}

std::string kubelet_client_file_name(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "kubelet-client-%Y-%m-%d-%H-%M-%S.pem", &tm);
  return buf;
}

Result<std::vector<plan::Action>> request_client_credentials(apiclient::Client& client,
                                                             const ClientCredentialsRequest& r) {
  auto key = KADM_TRY(certs::generate_key(config::EncryptionAlgorithm::ECDSAP256));
  std::string cert_pem = KADM_TRY(request_certificate(client, key.get(), r));
  auto cert = KADM_TRY_CTX(certs::load_certificate(cert_pem), "the issued kubelet certificate");
  if (!certs::key_matches_certificate(cert.get(), key.get())) {
    return fail(ErrorKind::Tls, "the issued kubelet certificate does not match the node's key");
  }
  std::string key_pem = KADM_TRY(certs::private_key_pem(key.get()));
  auto pki = r.kubelet_dir / "pki";
  auto dated = pki / kubelet_client_file_name(std::chrono::system_clock::now());
  auto current = pki / "kubelet-client-current.pem";
  return std::vector<plan::Action>{
      plan::WriteFile{dated, cert_pem + key_pem, 0600, true}, plan::Symlink{dated, current},
      plan::WriteFile{r.kubeconfig_dir / "kubelet.conf",
                      kubelet_kubeconfig(r.server, r.ca_pem, current.string()), 0600, true}};
}

Result<std::vector<plan::Action>> plan_client_credentials(apiclient::Client&,
                                                          const ClientCredentialsRequest& r) {
  spdlog::info("[kubelet-start] Would request a client certificate for \"{}{}\"", kNodeUserPrefix,
               r.node);
  auto pem = r.kubelet_dir / "pki" / "kubelet-client-current.pem";
  return std::vector<plan::Action>{
      plan::WriteFile{pem, "", 0600, true},
      plan::WriteFile{r.kubeconfig_dir / "kubelet.conf",
                      kubelet_kubeconfig(r.server, r.ca_pem, pem.string()), 0600, true}};
}

}  // namespace kadm::kubelet
