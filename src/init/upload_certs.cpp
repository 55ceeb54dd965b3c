#include <spdlog/spdlog.h>

#include <chrono>
#include <ostream>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "clusterobjects/token_secrets.h"
#include "clusterobjects/upload_certs_objects.h"
#include "common/fs.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "token/bootstrap_token.h"
#include "token/certificate_key.h"
#include "token/join_command.h"

namespace kadm::init {

namespace {

// Missing files are uploaded as empty values, which the download side skips (spec §6.3).
Result<std::map<std::string, std::string>> sealed_cert_files(const InitData& d,
                                                             std::string_view raw_key) {
  std::map<std::string, std::string> sealed;
  for (const auto& f : clusterobjects::uploaded_cert_files(d.cfg.cluster)) {
    std::string content;
    if (!f.path.empty() && d.host->exists(f.path)) {
      content = KADM_TRY_CTX(d.host->read_file(f.path), "reading " + f.path + " for upload-certs");
    }
    sealed[f.key] = content.empty() ? "" : KADM_TRY(token::seal(raw_key, content));
  }
  return sealed;
}

}  // namespace

Status run_upload_certs(InitData& d) {
  if (!d.options.upload_certs) {
    spdlog::info("[upload-certs] Skipping phase. Please see --upload-certs");
    return {};
  }
  auto* client = KADM_TRY(api_client(d));
  if (d.certificate_key.empty()) {
    d.certificate_key = d.cfg.certificate_key.empty() ? KADM_TRY(token::generate_certificate_key())
                                                      : d.cfg.certificate_key;
  }
  std::string raw_key =
      KADM_TRY_CTX(token::decode_certificate_key(d.certificate_key), "invalid certificate key");
  spdlog::info(
      "[upload-certs] Storing the certificates in Secret \"{}\" in the \"kube-system\" Namespace",
      clusterobjects::kKubeadmCertsSecret);

  auto ttl_token = KADM_TRY(token::generate_token());
  auto owner_token = clusterobjects::certs_ttl_token(ttl_token.to_string());
  auto owner =
      clusterobjects::create_token_secret(*client, owner_token, std::chrono::system_clock::now());
  if (!owner) {
    return std::unexpected(Error(std::move(owner).error())
                               .with_context("could not create the kubeadm-certs TTL token"));
  }
  const auto& md = apiclient::member(*owner, "metadata");
  auto sealed = KADM_TRY(sealed_cert_files(d, raw_key));
  std::vector<apiclient::json> objects = {clusterobjects::kubeadm_certs_secret(
      sealed, apiclient::text_member(md, "name"), apiclient::text_member(md, "uid"))};
  for (auto& o : clusterobjects::kubeadm_certs_rbac()) objects.push_back(std::move(o));
  KADM_TRY(apply_objects(*client, objects));

  // The key goes to the human output stream only, never through the logger.
  *d.out << "[upload-certs] Using certificate key:\n"
         << (d.options.skip_certificate_key_print ? std::string(token::kValueWithheld)
                                                  : d.certificate_key)
         << "\n"
         << std::flush;
  return {};
}

}  // namespace kadm::init
