#pragma once
// The `certs` phase of kadm init: each table row as a sub-phase, plus "all" (spec §1.1, §1.4).
// Everything is written through plan::Effects; nothing here touches the disk for writing.

#include <string_view>

#include "certs/pki_state.h"
#include "common/error.h"
#include "config/types.h"
#include "plan/effects.h"

namespace kadm::certs {

// One row of cert_table() by phase name ("ca", "apiserver", ..., "sa").
Status run_cert_phase(std::string_view phase_name, const config::InitConfiguration& cfg,
                      PkiState& state, plan::Effects& effects);
// Every active row in order, with the header and footer lines.
// Prints the phase header and starts generating every missing key in parallel.
Status begin_certs(const config::InitConfiguration& cfg, PkiState& state);
// Start early: queues the private key of one row on the key pool when this run will make it
// (nothing usable on disk; keys reused from disk are never generated). Writes nothing.
void prepare_cert_key(std::string_view phase_name, const config::InitConfiguration& cfg,
                      PkiState& state);
void end_certs(const config::InitConfiguration& cfg);
Status run_all_certs(const config::InitConfiguration& cfg, PkiState& state, plan::Effects& effects);

// The validity window of new certificates for this configuration.
SigningOptions ca_signing_options(const config::InitConfiguration& cfg, TimePoint start);
SigningOptions leaf_signing_options(const config::InitConfiguration& cfg, TimePoint start,
                                    X509* ca);

// Files of a new key pair, ready for effects (key 0600 sensitive, cert 0644).
struct KeyPairFiles {
  std::string cert_pem;
  std::string key_pem;
};
void append_writes(std::vector<plan::Action>& actions, const std::filesystem::path& cert_dir,
                   std::string_view base_name, const KeyPairFiles& files);

}  // namespace kadm::certs
