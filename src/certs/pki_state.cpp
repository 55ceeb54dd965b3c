#include "certs/pki_state.h"

#include "certs/cert_table.h"
#include "certs/keys.h"
#include "common/fs.h"

namespace kadm::certs {

Result<CaPair> load_ca_files(const std::filesystem::path& cert_dir, std::string_view base_name) {
  auto crt_path = cert_dir / (std::string(base_name) + ".crt");
  auto key_path = cert_dir / (std::string(base_name) + ".key");
  CaPair ca;
  ca.cert_pem = KADM_TRY_CTX(fs::read_file(crt_path),
                             "couldn't load CA certificate \"" + std::string(base_name) + "\"");
  ca.cert = KADM_TRY_CTX(load_certificate(ca.cert_pem), "couldn't parse " + crt_path.string());
  if (KADM_TRY(fs::exists(key_path))) {
    auto pem = KADM_TRY(fs::read_file(key_path));
    ca.key = KADM_TRY_CTX(load_private_key(pem), "couldn't load " + key_path.string());
  }
  return ca;
}

const CaPair* PkiState::find_ca(std::string_view name) const {
  auto it = m_cas.find(name);
  return it == m_cas.end() ? nullptr : &it->second;
}

void PkiState::put_ca(std::string name, CaPair ca) { m_cas[std::move(name)] = std::move(ca); }

Result<const CaPair*> PkiState::resolve_ca(std::string_view name,
                                           const std::filesystem::path& cert_dir) {
  if (const auto* ca = find_ca(name)) return ca;
  const auto* def = find_cert(name);
  if (!def || def->kind != CertKind::Ca) {
    return fail(ErrorKind::General, "unknown certificate authority \"" + std::string(name) + "\"");
  }
  auto ca = KADM_TRY_CTX(load_ca_files(cert_dir, def->base_name),
                         "the \"" + std::string(name) + "\" CA is needed first (run the \"" +
                             std::string(name) + "\" phase)");
  put_ca(std::string(name), std::move(ca));
  return find_ca(name);
}

void PkiState::pregenerate(const std::vector<std::string>& ids,
                           config::EncryptionAlgorithm algorithm) {
  for (const auto& id : ids) m_keys.start(id, algorithm);
}

Result<UniqueEvpPkey> PkiState::take_key(const std::string& id,
                                         config::EncryptionAlgorithm algorithm) {
  return m_keys.take(id, algorithm);
}

}  // namespace kadm::certs
