#include "join/download_certs.h"

#include "apiclient/json_access.h"
#include "clusterobjects/upload_certs_objects.h"
#include "common/strings.h"
#include "token/certificate_key.h"

namespace kadm::join {

namespace {

bool is_private_key(std::string_view path) { return path.ends_with(".key"); }

}  // namespace

std::string missing_certs_secret_message() {
  return "the Secret \"" + std::string(clusterobjects::kKubeadmCertsSecret) +
         "\" does not exist in the \"kube-system\" Namespace: it is deleted together with its "
         "2-hour token, so it has probably expired. On a control-plane node run "
         "`kadm init phase upload-certs --upload-certs` to upload the certificates again, and "
         "join with the certificate key it prints";
}

Result<std::vector<plan::Action>> open_kubeadm_certs(const nlohmann::json& secret,
                                                     std::string_view certificate_key,
                                                     const config::ClusterConfiguration& cluster) {
  std::string raw =
      KADM_TRY_CTX(token::decode_certificate_key(certificate_key), "invalid --certificate-key");
  const auto& data = apiclient::member(secret, "data");
  std::vector<plan::Action> writes;
  for (const auto& f : clusterobjects::uploaded_cert_files(cluster)) {
    if (f.path.empty() || !data.contains(f.key) || !data[f.key].is_string()) continue;
    std::string sealed;
    if (!str::base64_decode(data[f.key].get<std::string>(), sealed)) {
      return fail(ErrorKind::Validation,
                  "the kubeadm-certs Secret holds invalid base64 under \"" + f.key + "\"");
    }
    if (sealed.empty()) continue;
    auto opened = token::open(raw, sealed);
    if (!opened) {
      return fail(ErrorKind::Validation, "the certificate key does not decrypt kubeadm-certs: " +
                                             f.key + ": " + opened.error().message() +
                                             " (check --certificate-key; a new key is printed by "
                                             "`kadm init phase upload-certs --upload-certs`)");
    }
    bool key = is_private_key(f.key);
    // sa.pub is 0600 as on the first control plane (kadm's certs phase and kubeadm alike).
    bool private_mode = key || f.key == "sa.pub";
    writes.push_back(
        plan::WriteFile{f.path, std::move(*opened), private_mode ? 0600u : 0644u, key});
  }
  if (writes.empty()) {
    return fail(ErrorKind::Validation, "the kubeadm-certs Secret holds no certificates");
  }
  return writes;
}

}  // namespace kadm::join
