#pragma once
// `kadm certs check-expiration` and `kadm certs renew` (spec §1.5).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/x509.h"
#include "common/duration.h"
#include "common/error.h"
#include "config/types.h"
#include "host/host.h"
#include "plan/effects.h"

namespace kadm::renewal {

using certs::Clock;
using certs::TimePoint;

struct CertExpiry {
  std::string name;  // "apiserver", "admin.conf", "ca"
  bool is_ca = false;
  bool missing = false;  // file absent (expires/residual are then meaningless)
  TimePoint expires;
  Duration residual{};
  std::string ca_name;  // "" for CAs
  bool externally_managed = false;
  bool rotated_by_kubelet = false;  // the kubelet's own client certificate
};

// The kubelet's client certificate, `kubelet-client-current.pem` in `kubelet_pki_dir`, which the
// kubelet rotates itself (kubeadm leaves it out of its table); nullopt when there is none.
std::optional<CertExpiry> kubelet_client_expiry(const std::filesystem::path& kubelet_pki_dir,
                                                TimePoint now = Clock::now());

// What the expiration table warns about: every row (CAs and the kubelet's certificate too) that
// expires within `within`, or has expired, with what to do about it.
std::vector<std::string> expiry_warnings(const std::vector<CertExpiry>& rows,
                                         Duration within = std::chrono::hours(24 * 30));

// Leaves and kubeconfigs sorted by name, then the CAs sorted by name. Rows for files that do not
// exist are left out (super-admin.conf, etcd with external etcd) except for CAs, reported missing.
std::vector<CertExpiry> check_expiration(const config::InitConfiguration& cfg,
                                         const std::filesystem::path& kubeconfig_dir,
                                         TimePoint now = Clock::now());

// Names accepted by renew(): leaves and kubeconfig files, sorted; plus "all".
std::vector<std::string> renewable_names(const config::InitConfiguration& cfg);

// Re-signs with the CA from disk keeping CN, O, SANs and EKU; new key, serial and validity.
// Kubeconfig files keep everything but the embedded client certificate and key. Returns the
// names renewed (a certificate whose CA key is not here is left alone and not listed; with
// "all", files that do not exist are skipped). A renewed etcd-server or etcd-peer certificate
// also refreshes the copies an etcd that runs as a user reads (manifests::refresh_etcd_tls).
Result<std::vector<std::string>> renew_certificates(std::string_view name_or_all,
                                                    const config::InitConfiguration& cfg,
                                                    const std::filesystem::path& kubeconfig_dir,
                                                    plan::Effects& effects, const host::Host& host,
                                                    TimePoint now = Clock::now());

// renew_certificates, then kubeadm's "You must restart ..." line.
Status renew(std::string_view name_or_all, const config::InitConfiguration& cfg,
             const std::filesystem::path& kubeconfig_dir, plan::Effects& effects,
             const host::Host& host, TimePoint now = Clock::now());

}  // namespace kadm::renewal
