#include "renewal/expiration.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "certs/cert_table.h"
#include "certs/keys.h"
#include "certs/phase.h"
#include "certs/pki_state.h"
#include "common/constants.h"
#include "common/fs.h"
#include "config/defaults.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubeconfig/phase.h"
#include "manifests/etcd_identity.h"

namespace kadm::renewal {

using namespace certs;  // renewal is the certs domain one layer up
namespace {

namespace stdfs = std::filesystem;

bool ca_key_present(const stdfs::path& dir, std::string_view ca_name) {
  const auto* def = find_cert(ca_name);
  return def && fs::exists(dir / (std::string(def->base_name) + ".key")).value_or(false);
}

// One renewable item: a leaf certificate file or a kubeconfig file, signed by a CA.
struct Renewable {
  std::string name;
  std::string ca_name;
  stdfs::path cert_file;  // leaf .crt, or the kubeconfig file
  std::string base_name;  // leaf base name; "" for kubeconfigs
};

std::vector<Renewable> renewables(const config::InitConfiguration& cfg,
                                  const stdfs::path& kubeconfig_dir) {
  std::vector<Renewable> out;
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  for (const auto* def : active_certs(cfg)) {
    if (def->kind != CertKind::Leaf) continue;
    out.push_back({std::string(def->name), std::string(def->ca_name),
                   dir / (std::string(def->base_name) + ".crt"), std::string(def->base_name)});
  }
  for (const auto& def : kubeconfig::kubeconfig_table()) {
    if (!def.renewable) continue;
    out.push_back({std::string(def.file_name), "ca", kubeconfig_dir / def.file_name, ""});
  }
  std::ranges::sort(out, {}, &Renewable::name);
  return out;
}

Result<UniqueX509> load_renewable_cert(const Renewable& r) {
  auto text = KADM_TRY(fs::read_file(r.cert_file));
  if (r.base_name.empty()) {
    auto kc = KADM_TRY(kubeconfig::parse(text));
    if (kc.client_cert_pem.empty()) {
      return fail(ErrorKind::Tls, r.cert_file.string() + " has no embedded client certificate");
    }
    return load_certificate(kc.client_cert_pem);
  }
  return load_certificate(text);
}

// true: renewed; false: left alone (its CA's key is not here).
Result<bool> renew_one(const Renewable& r, const config::InitConfiguration& cfg,
                       plan::Effects& effects, TimePoint now) {
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  const auto* ca_def = find_cert(r.ca_name);
  auto ca = KADM_TRY(load_ca_files(dir, ca_def->base_name));
  if (!ca.key) {
    spdlog::info("[renew] {} is signed by an external CA \"{}\"; it can't be renewed here", r.name,
                 r.ca_name);
    return false;
  }
  auto old = KADM_TRY(load_renewable_cert(r));
  auto info = inspect(old.get());
  CertRequest req{info.common_name, info.organizations, info.alt_names, info.usages};
  auto key = KADM_TRY(generate_key(cfg.cluster.encryption_algorithm));
  auto cert = KADM_TRY(sign_leaf(req, key.get(), ca.cert.get(), ca.key.get(),
                                 leaf_signing_options(cfg, now, ca.cert.get())));
  KeyPairFiles files{KADM_TRY(certificate_pem(cert.get())), KADM_TRY(private_key_pem(key.get()))};
  if (r.base_name.empty()) {
    auto text = KADM_TRY(fs::read_file(r.cert_file));
    auto updated =
        KADM_TRY(kubeconfig::replace_client_credentials(text, files.cert_pem, files.key_pem));
    KADM_TRY(effects.apply(plan::WriteFile{r.cert_file, std::move(updated), 0600, true}));
  } else {
    std::vector<plan::Action> actions;
    append_writes(actions, dir, r.base_name, files);
    KADM_TRY(effects.apply_all(actions));
  }
  spdlog::info("[renew] certificate {} renewed", r.name);
  return true;
}

}  // namespace

std::vector<CertExpiry> check_expiration(const config::InitConfiguration& cfg,
                                         const stdfs::path& kubeconfig_dir, TimePoint now) {
  std::vector<CertExpiry> out;
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  for (const auto& r : renewables(cfg, kubeconfig_dir)) {
    if (!fs::exists(r.cert_file).value_or(false)) continue;
    CertExpiry e{r.name, false, false, {}, {}, r.ca_name, !ca_key_present(dir, r.ca_name)};
    auto cert = load_renewable_cert(r);
    if (!cert) {
      e.missing = true;
    } else {
      e.expires = inspect(cert->get()).not_after;
      e.residual = std::chrono::duration_cast<Duration>(e.expires - now);
    }
    out.push_back(std::move(e));
  }
  std::vector<CertExpiry> cas;
  for (const auto* def : active_certs(cfg)) {
    if (def->kind != CertKind::Ca) continue;
    CertExpiry e{std::string(def->name), true, true, {}, {}, "", !ca_key_present(dir, def->name)};
    auto text = fs::read_file(dir / (std::string(def->base_name) + ".crt"));
    if (text) {
      if (auto cert = load_certificate(*text)) {
        e.missing = false;
        e.expires = inspect(cert->get()).not_after;
        e.residual = std::chrono::duration_cast<Duration>(e.expires - now);
      }
    }
    cas.push_back(std::move(e));
  }
  std::ranges::sort(cas, {}, &CertExpiry::name);
  out.insert(out.end(), std::make_move_iterator(cas.begin()), std::make_move_iterator(cas.end()));
  return out;
}

std::optional<CertExpiry> kubelet_client_expiry(const stdfs::path& kubelet_pki_dir, TimePoint now) {
  const auto file = kubelet_pki_dir / "kubelet-client-current.pem";
  if (!fs::exists(file).value_or(false)) return std::nullopt;
  CertExpiry e{"kubelet-client-current.pem", false, true, {}, {}, "ca", false, true};
  // The file holds the certificate and its key; only the certificate is read.
  if (auto text = fs::read_file(file)) {
    if (auto cert = load_certificate(*text)) {
      e.missing = false;
      e.expires = inspect(cert->get()).not_after;
      e.residual = std::chrono::duration_cast<Duration>(e.expires - now);
    }
  }
  return e;
}

std::vector<std::string> expiry_warnings(const std::vector<CertExpiry>& rows, Duration within) {
  std::vector<std::string> out;
  for (const auto& e : rows) {
    if (e.missing || e.residual >= within) continue;
    std::string when =
        e.residual.count() <= 0 ? "has expired" : "expires in " + short_human_duration(e.residual);
    std::string what;
    if (e.rotated_by_kubelet) {
      what =
          "the kubelet renews it itself when rotateCertificates is on; if it has not, check the "
          "kubelet's log (journalctl -u kubelet) and its CertificateSigningRequests";
    } else if (e.is_ca) {
      what = "`kadm certs renew` does not renew a certificate authority; plan its rotation";
    } else if (e.externally_managed) {
      what = "its CA's key is not here: renew it where the CA is kept";
    } else {
      what = "renew it with `kadm certs renew " + e.name + "`";
    }
    out.push_back((e.is_ca ? "certificate authority " : "certificate ") + e.name + " " + when +
                  ": " + what);
  }
  return out;
}

std::vector<std::string> renewable_names(const config::InitConfiguration& cfg) {
  std::vector<std::string> names;
  for (const auto& r : renewables(cfg, constants::kKubernetesDir)) names.push_back(r.name);
  return names;
}

Result<std::vector<std::string>> renew_certificates(std::string_view name_or_all,
                                                    const config::InitConfiguration& cfg,
                                                    const stdfs::path& kubeconfig_dir,
                                                    plan::Effects& effects, const host::Host& host,
                                                    TimePoint now) {
  auto items = renewables(cfg, kubeconfig_dir);
  bool all = name_or_all == "all";
  bool found = false;
  std::vector<std::string> renewed;
  for (const auto& r : items) {
    if (!all && r.name != name_or_all) continue;
    found = true;
    if (all && !fs::exists(r.cert_file).value_or(false)) continue;
    auto s = renew_one(r, cfg, effects, now);
    if (!s) return fail_with(std::move(s), "failed to renew certificate " + r.name);
    if (*s) renewed.push_back(r.name);
  }
  if (!found) {
    std::vector<std::string> names;
    for (const auto& r : items) names.push_back(r.name);
    names.push_back("all");
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return fail(ErrorKind::Validation,
                "unknown certificate \"" + std::string(name_or_all) + "\"; use one of: " + list);
  }
  if (std::ranges::any_of(
          renewed, [](const std::string& n) { return n == "etcd-server" || n == "etcd-peer"; })) {
    KADM_TRY(manifests::refresh_etcd_tls(cfg.cluster, effects, host));
  }
  return renewed;
}

Status renew(std::string_view name_or_all, const config::InitConfiguration& cfg,
             const stdfs::path& kubeconfig_dir, plan::Effects& effects, const host::Host& host,
             TimePoint now) {
  KADM_TRY(renew_certificates(name_or_all, cfg, kubeconfig_dir, effects, host, now));
  spdlog::info(
      "\nDone renewing certificates. You must restart the kube-apiserver, "
      "kube-controller-manager, kube-scheduler and etcd, so that they can use the new "
      "certificates.");
  return {};
}

}  // namespace kadm::renewal
