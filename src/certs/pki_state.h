#pragma once
// What one kadm run knows about its PKI: the CAs loaded or generated so far (so a dry run, which
// writes nothing, still signs leaves with the CA it made a moment earlier) and private keys
// being generated in the background.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "certs/key_pool.h"
#include "certs/openssl_ptr.h"
#include "certs/x509.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

struct CaPair {
  UniqueX509 cert;
  UniqueEvpPkey key;  // null: the CA key is kept elsewhere (external CA)
  std::string cert_pem;
};

class PkiState {
 public:
  explicit PkiState(TimePoint start = Clock::now(), KeyGenerator generator = {})
      : m_start(start), m_keys(std::move(generator)) {}
  PkiState(const PkiState&) = delete;
  PkiState& operator=(const PkiState&) = delete;

  // kadm's start time: certificates are valid from start - 5 minutes.
  TimePoint start() const { return m_start; }

  // A CA by phase name ("ca", "etcd-ca"): from this run, else from `cert_dir` on disk (cached).
  // Missing CA certificate → error; missing CA key → CaPair with a null key.
  Result<const CaPair*> resolve_ca(std::string_view name, const std::filesystem::path& cert_dir);
  const CaPair* find_ca(std::string_view name) const;
  void put_ca(std::string name, CaPair ca);

  // Queues keys for `ids` on the key pool (key_pool.h); take_key() picks them up in any order.
  // Ids already queued are left as they are.
  void pregenerate(const std::vector<std::string>& ids, config::EncryptionAlgorithm algorithm);
  // A pregenerated key of `algorithm` for `id`, or a freshly generated one.
  Result<UniqueEvpPkey> take_key(const std::string& id, config::EncryptionAlgorithm algorithm);
  // Whether a key for `id` was queued and not taken yet.
  bool key_queued(const std::string& id) const { return m_keys.has(id); }
  // Drops the keys not made yet and joins the pool's threads (also done on destruction).
  void stop_key_generation() { m_keys.stop(); }

 private:
  TimePoint m_start;
  std::map<std::string, CaPair, std::less<>> m_cas;
  KeyPool m_keys;  // last: its threads are joined before the rest goes
};

// Reads <dir>/<base>.crt and, if present, <dir>/<base>.key.
Result<CaPair> load_ca_files(const std::filesystem::path& cert_dir, std::string_view base_name);

}  // namespace kadm::certs
