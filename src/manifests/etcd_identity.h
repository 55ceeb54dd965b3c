#pragma once
// Who the local etcd runs as, and the TLS files it reads then. Under the cis profile the data
// directory belongs to the system user etcd (CIS 1.1.12) and etcd runs as that user instead of
// root. The PKI stays root's (CIS 1.1.19, keys 0600: 1.1.20), so such an etcd reads copies of its
// serving and peer certificates, their keys and the etcd CA certificate from kEtcdTlsDir, owned
// by that user (directory 0700, files 0600). Init and control-plane join write the copies, certs
// renew and upgrade's renewal refresh them, upgrade keeps the user the running manifest names,
// and reset deletes them.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/fs.h"
#include "config/profile.h"
#include "config/types.h"
#include "host/host.h"
#include "plan/effects.h"

namespace kadm::manifests {

inline constexpr std::string_view kEtcdTlsDir = "/etc/kubernetes/etcd-tls";

// The files etcd reads from its TLS directory, by their names under <certificatesDir>/etcd.
const std::vector<std::string_view>& etcd_tls_files();

// dataDir of the local etcd (/var/lib/etcd when unset); "" for external etcd.
std::string etcd_data_dir(const config::ClusterConfiguration& cluster);

// The user and group etcd runs as under `profile`: for the cis profile the owner of the data
// directory (ensure_etcd_data_dir gave it to the etcd user) when that is not root; nullopt
// otherwise, and for external etcd. A dry run made no user and gave nothing away: nullopt.
std::optional<fs::Owner> etcd_run_as(const config::ClusterConfiguration& cluster,
                                     config::Profile profile, const host::Host& host);

// The user a static Pod runs as (spec.securityContext runAsUser and runAsGroup); nullopt when
// it names none or root.
std::optional<fs::Owner> pod_run_as(const nlohmann::json& pod);

// The directory etcd's certificate flags name: kEtcdTlsDir when it runs as a user, else
// <certificatesDir>/etcd.
std::string etcd_tls_dir(const config::ClusterConfiguration& cluster,
                         const std::optional<fs::Owner>& run_as);

// Writes kEtcdTlsDir (0700) and copies of etcd_tls_files() from the PKI (0600), all owned by
// `owner` from their first byte. A file missing from the PKI is an error naming it.
Status write_etcd_tls(const config::ClusterConfiguration& cluster, fs::Owner owner,
                      plan::Effects& effects, const host::Host& host);

// After etcd's certificates were renewed: rewrites the copies, as their owner, when there are
// copies (kEtcdTlsDir/server.crt exists); nothing otherwise.
Status refresh_etcd_tls(const config::ClusterConfiguration& cluster, plan::Effects& effects,
                        const host::Host& host);

}  // namespace kadm::manifests
