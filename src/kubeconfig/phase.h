#pragma once
// The `kubeconfig` phase of kadm init (spec §2): one file per table row, written through effects.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "certs/pki_state.h"
#include "certs/version_rules.h"
#include "common/duration.h"
#include "common/error.h"
#include "config/types.h"
#include "plan/effects.h"

namespace kadm::kubeconfig {

enum class ServerKind { ControlPlaneEndpoint, LocalEndpoint, KubeletDefault };

struct KubeconfigDef {
  std::string_view name;       // phase name: "admin"
  std::string_view file_name;  // "admin.conf"
  std::string_view long_help;
  std::string (*client_name)(const config::InitConfiguration&);
  std::vector<std::string> (*organizations)(const certs::VersionRules&);
  ServerKind server;
  bool (*applies)(const certs::VersionRules&);  // e.g. super-admin.conf only from v1.29
  // `certs renew` handles it (kubelet.conf rotates through the kubelet itself).
  bool renewable;
};

const std::vector<KubeconfigDef>& kubeconfig_table();
const KubeconfigDef* find_kubeconfig(std::string_view name);

// https://<controlPlaneEndpoint or advertiseAddress>:<port> and
// https://<advertiseAddress>:<bindPort>.
Result<std::string> control_plane_url(const config::InitConfiguration& cfg);
Result<std::string> local_api_url(const config::InitConfiguration& cfg);

Status run_kubeconfig_phase(std::string_view name, const config::InitConfiguration& cfg,
                            const std::filesystem::path& kubeconfig_dir, certs::PkiState& state,
                            plan::Effects& effects);
// Start early: queues the client key of one kubeconfig file on the key pool when this run will
// write that file (it applies to this version and is not there yet). Writes nothing.
void prepare_kubeconfig_key(std::string_view name, const config::InitConfiguration& cfg,
                            const std::filesystem::path& kubeconfig_dir, certs::PkiState& state);
// Prints the phase header and starts generating the missing client keys in parallel.
Status begin_kubeconfigs(const config::InitConfiguration& cfg,
                         const std::filesystem::path& kubeconfig_dir, certs::PkiState& state);
Status run_all_kubeconfigs(const config::InitConfiguration& cfg,
                           const std::filesystem::path& kubeconfig_dir, certs::PkiState& state,
                           plan::Effects& effects);

// A client-certificate kubeconfig for any user (`kadm kubeconfig user`); validity 0 = default.
Result<std::string> user_kubeconfig(const config::InitConfiguration& cfg, const certs::CaPair& ca,
                                    const std::string& client_name,
                                    const std::vector<std::string>& orgs, Duration validity);
// Same, with a bearer token instead of a certificate.
Result<std::string> token_kubeconfig(const config::InitConfiguration& cfg, const certs::CaPair& ca,
                                     const std::string& client_name, const std::string& token);

}  // namespace kadm::kubeconfig
