#include "certs/phase.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "certs/cert_table.h"
#include "certs/keys.h"
#include "certs/version_rules.h"
#include "common/fs.h"
#include "common/strings.h"
#include "config/defaults.h"

namespace kadm::certs {
namespace {

using namespace std::chrono_literals;
namespace stdfs = std::filesystem;

constexpr auto kBackdate = 5min;
constexpr Duration kDefaultValidity = std::chrono::hours(8760);
constexpr Duration kDefaultCaValidity = std::chrono::hours(87600);

stdfs::path file_of(const stdfs::path& dir, std::string_view base, std::string_view ext) {
  return dir / (std::string(base) + std::string(ext));
}

bool file_exists(const stdfs::path& p) { return fs::exists(p).value_or(false); }

void warn_if_out_of_bounds(const CertDef& def, X509* cert) {
  auto info = inspect(cert);
  auto now = Clock::now();
  if (now < info.not_before) {
    spdlog::warn(
        "WARNING: could not validate bounds for certificate {}: the certificate is not "
        "valid yet",
        def.name);
  } else if (now > info.not_after) {
    spdlog::warn(
        "WARNING: could not validate bounds for certificate {}: the certificate has "
        "expired",
        def.name);
  }
}

Status write_pair(const stdfs::path& dir, std::string_view base, const KeyPairFiles& files,
                  plan::Effects& effects) {
  std::vector<plan::Action> actions;
  append_writes(actions, dir, base, files);
  return effects.apply_all(actions);
}

// kubeadm's wording for a key file that is there but unusable: it is never replaced, because
// whatever it signed (certificates, ServiceAccount tokens) would silently stop being valid.
Error unusable_key(const stdfs::path& path, const Error& why) {
  return Error(ErrorKind::Tls, "file " + path.string() +
                                   " existed but it could not be loaded properly: " + why.text() +
                                   ". Restore it, or remove it to have a new one generated");
}

Status run_ca(const CertDef& def, const config::InitConfiguration& cfg, PkiState& state,
              plan::Effects& effects) {
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  auto crt = file_of(dir, def.base_name, ".crt");
  auto key_path = file_of(dir, def.base_name, ".key");
  if (!file_exists(crt) && KADM_TRY(fs::exists(key_path))) {
    // A CA key without its certificate: generating a new pair would overwrite the key.
    return fail(ErrorKind::Tls, "failure loading " + std::string(def.name) +
                                    " certificate authority: the key " + key_path.string() +
                                    " exists but the certificate " + crt.string() +
                                    " does not. Restore the certificate, or remove the key to "
                                    "have a new CA generated");
  }
  if (file_exists(crt)) {
    auto ca = KADM_TRY_CTX(load_ca_files(dir, def.base_name),
                           "failure loading " + std::string(def.name) + " certificate authority");
    if (!inspect(ca.cert.get()).is_ca) {
      return fail(ErrorKind::Tls, "certificate \"" + std::string(def.name) + "\" is not a CA");
    }
    warn_if_out_of_bounds(def, ca.cert.get());
    if (ca.key) {
      spdlog::info("[certs] Using the existing \"{}\" certificate and key", def.base_name);
    } else {
      spdlog::info("[certs] Using existing \"{}\" keyless certificate authority", def.base_name);
    }
    state.put_ca(std::string(def.name), std::move(ca));
    return {};
  }
  auto rules = rules_for(cfg.cluster);
  auto request = KADM_TRY(request_for(def, cfg, rules));
  auto key = KADM_TRY(state.take_key(std::string(def.base_name), cfg.cluster.encryption_algorithm));
  auto cert =
      KADM_TRY(create_self_signed_ca(request, key.get(), ca_signing_options(cfg, state.start())));
  KeyPairFiles files{KADM_TRY(certificate_pem(cert.get())), KADM_TRY(private_key_pem(key.get()))};
  spdlog::info("[certs] Generating \"{}\" certificate and key", def.base_name);
  KADM_TRY(write_pair(dir, def.base_name, files, effects));
  state.put_ca(std::string(def.name), CaPair{std::move(cert), std::move(key), files.cert_pem});
  return {};
}

// An existing leaf is reused only if it is usable as is; each refusal names its reason.
Status validate_existing_leaf(const CertDef& def, const CertRequest& request, const CaPair& ca,
                              const stdfs::path& dir) {
  std::string name(def.name);
  auto key_text = KADM_TRY_CTX(fs::read_file(file_of(dir, def.base_name, ".key")),
                               "failure loading key for " + name);
  auto key = KADM_TRY_CTX(load_private_key(key_text), "failure loading key for " + name);
  auto crt_text = KADM_TRY_CTX(fs::read_file(file_of(dir, def.base_name, ".crt")),
                               "failure loading certificate for " + name);
  auto chain = KADM_TRY_CTX(load_certificates(crt_text), "failure loading certificate for " + name);
  X509* leaf = chain.front().get();
  std::vector<UniqueX509> intermediates;
  for (size_t i = 1; i < chain.size(); ++i) intermediates.push_back(std::move(chain[i]));
  if (auto s = verify_signed_by(leaf, ca.cert.get(), intermediates); !s) {
    return fail(ErrorKind::Tls, "certificate " + name + " is not signed by corresponding CA (" +
                                    s.error().message() + ")");
  }
  for (const auto& dns : request.alt_names.dns) {
    if (!certificate_matches_dns(leaf, dns)) {
      return fail(ErrorKind::Tls, "certificate " + name + " is invalid: DNS name \"" + dns +
                                      "\" is missing from its SANs");
    }
  }
  for (const auto& ip : request.alt_names.ips) {
    if (!certificate_matches_ip(leaf, ip)) {
      return fail(ErrorKind::Tls, "certificate " + name + " is invalid: IP address \"" + ip +
                                      "\" is missing from its SANs");
    }
  }
  if (!key_matches_certificate(leaf, key.get())) {
    return fail(ErrorKind::Tls, "certificate " + name + " does not match its private key");
  }
  return {};
}

Status run_leaf(const CertDef& def, const config::InitConfiguration& cfg, PkiState& state,
                plan::Effects& effects) {
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  const CaPair* ca = KADM_TRY(state.resolve_ca(def.ca_name, dir));
  auto rules = rules_for(cfg.cluster);
  auto request = KADM_TRY(request_for(def, cfg, rules));
  bool exists = file_exists(file_of(dir, def.base_name, ".crt")) ||
                file_exists(file_of(dir, def.base_name, ".key"));
  if (!ca->key) {
    // External CA: nothing can be signed, so the leaf must already be there and valid.
    if (auto s = exists ? validate_existing_leaf(def, request, *ca, dir) : Status{};
        !s || !exists) {
      Error e(ErrorKind::Tls, "could not load expected certificate \"" + std::string(def.name) +
                                  "\" or validate the existence of key \"" +
                                  std::string(def.ca_name) + "\" for it");
      if (!s) e = std::move(s.error()).with_context(e.message());
      return fail(std::move(e));
    }
    spdlog::info("[certs] Using the existing \"{}\" certificate and key", def.base_name);
    return {};
  }
  if (exists) {
    KADM_TRY(validate_existing_leaf(def, request, *ca, dir));
    spdlog::info("[certs] Using the existing \"{}\" certificate and key", def.base_name);
    return {};
  }
  auto key = KADM_TRY(state.take_key(std::string(def.base_name), cfg.cluster.encryption_algorithm));
  auto cert = KADM_TRY(sign_leaf(request, key.get(), ca->cert.get(), ca->key.get(),
                                 leaf_signing_options(cfg, state.start(), ca->cert.get())));
  KeyPairFiles files{KADM_TRY(certificate_pem(cert.get())), KADM_TRY(private_key_pem(key.get()))};
  spdlog::info("[certs] Generating \"{}\" certificate and key", def.base_name);
  if (std::ranges::find(request.usages, ExtKeyUsage::ServerAuth) != request.usages.end()) {
    spdlog::info("[certs] {} serving cert is signed for DNS names [{}] and IPs [{}]", def.base_name,
                 str::join(request.alt_names.dns, " "), str::join(request.alt_names.ips, " "));
  }
  return write_pair(dir, def.base_name, files, effects);
}

Status run_service_account_key(const CertDef& def, const config::InitConfiguration& cfg,
                               PkiState& state, plan::Effects& effects) {
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  auto key_path = file_of(dir, def.base_name, ".key");
  if (KADM_TRY(fs::exists(key_path))) {
    // As kubeadm: an existing key is trusted as long as it loads, and never replaced when it
    // does not (that would invalidate every ServiceAccount token of the cluster).
    auto text = fs::read_file(key_path);
    if (!text) return fail(unusable_key(key_path, text.error()));
    if (auto key = load_private_key(*text); !key) return fail(unusable_key(key_path, key.error()));
    spdlog::info("[certs] Using the existing \"{}\" key", def.base_name);
    return {};
  }
  auto key = KADM_TRY(state.take_key(std::string(def.base_name), cfg.cluster.encryption_algorithm));
  spdlog::info("[certs] Generating \"{}\" key and public key", def.base_name);
  std::vector<plan::Action> actions{
      plan::WriteFile{key_path, KADM_TRY(private_key_pem(key.get())), 0600, true},
      // kubeadm keeps sa.pub as private as sa.key (0600); tools that diff modes expect that.
      plan::WriteFile{file_of(dir, def.base_name, ".pub"), KADM_TRY(public_key_pem(key.get())),
                      0600, false},
  };
  return effects.apply_all(actions);
}

// Whether the row will need a new private key in this run: nothing usable on disk, and for a
// leaf a CA that can sign it (a CA certificate on disk without its key is an external CA: the
// leaf must be there already, so no key is made for it).
bool needs_key(const CertDef& def, const stdfs::path& dir) {
  bool crt = file_exists(file_of(dir, def.base_name, ".crt"));
  bool key = file_exists(file_of(dir, def.base_name, ".key"));
  if (def.kind == CertKind::ServiceAccountKey) return !key;
  if (crt || key) return false;
  if (def.kind == CertKind::Leaf) {
    const auto* ca = find_cert(def.ca_name);
    if (ca && file_exists(file_of(dir, ca->base_name, ".crt")) &&
        !file_exists(file_of(dir, ca->base_name, ".key"))) {
      return false;
    }
  }
  return true;
}

// Rows that will need a new private key in this run.
std::vector<std::string> keys_needed(const std::vector<const CertDef*>& defs,
                                     const stdfs::path& dir) {
  std::vector<std::string> ids;
  for (const auto* def : defs) {
    if (needs_key(*def, dir)) ids.emplace_back(def->base_name);
  }
  return ids;
}

}  // namespace

SigningOptions ca_signing_options(const config::InitConfiguration& cfg, TimePoint start) {
  auto rules = rules_for(cfg.cluster);
  Duration validity = cfg.cluster.ca_certificate_validity_period.count() > 0
                          ? cfg.cluster.ca_certificate_validity_period
                          : kDefaultCaValidity;
  SigningOptions o;
  o.not_before = rules.backdate_ca ? start - kBackdate : start;
  o.not_after = start + validity;
  o.zero_serial = rules.ca_zero_serial;
  return o;
}

SigningOptions leaf_signing_options(const config::InitConfiguration& cfg, TimePoint start,
                                    X509* ca) {
  auto rules = rules_for(cfg.cluster);
  Duration validity = cfg.cluster.certificate_validity_period.count() > 0
                          ? cfg.cluster.certificate_validity_period
                          : kDefaultValidity;
  SigningOptions o;
  o.not_before = rules.leaf_not_before_from_ca && ca ? inspect(ca).not_before : start - kBackdate;
  o.not_after = start + validity;
  o.leaf_basic_constraints = rules.leaf_basic_constraints;
  return o;
}

void append_writes(std::vector<plan::Action>& actions, const stdfs::path& cert_dir,
                   std::string_view base_name, const KeyPairFiles& files) {
  actions.push_back(
      plan::WriteFile{file_of(cert_dir, base_name, ".key"), files.key_pem, 0600, true});
  actions.push_back(
      plan::WriteFile{file_of(cert_dir, base_name, ".crt"), files.cert_pem, 0644, false});
}

Status run_cert_phase(std::string_view phase_name, const config::InitConfiguration& cfg,
                      PkiState& state, plan::Effects& effects) {
  const auto* def = find_cert(phase_name);
  if (!def) {
    return fail(ErrorKind::Validation, "unknown certificate \"" + std::string(phase_name) + "\"");
  }
  if (def->local_etcd_only && uses_external_etcd(cfg)) {
    spdlog::info("[certs] External etcd mode: Skipping {} certificate generation", def->base_name);
    return {};
  }
  Status s;
  switch (def->kind) {
    case CertKind::Ca:
      s = run_ca(*def, cfg, state, effects);
      break;
    case CertKind::Leaf:
      s = run_leaf(*def, cfg, state, effects);
      break;
    case CertKind::ServiceAccountKey:
      s = run_service_account_key(*def, cfg, state, effects);
      break;
  }
  if (!s) return fail_with(std::move(s), "certificate \"" + std::string(def->base_name) + "\"");
  return {};
}

Status begin_certs(const config::InitConfiguration& cfg, PkiState& state) {
  const stdfs::path dir = config::certificates_dir_or_default(cfg.cluster);
  spdlog::info("[certs] Using certificateDir folder \"{}\"", dir.string());
  // RSA key generation dominates this phase: start every missing key now, in parallel.
  state.pregenerate(keys_needed(active_certs(cfg), dir), cfg.cluster.encryption_algorithm);
  return {};
}

void prepare_cert_key(std::string_view phase_name, const config::InitConfiguration& cfg,
                      PkiState& state) {
  const auto* def = find_cert(phase_name);
  if (!def || (def->local_etcd_only && uses_external_etcd(cfg))) return;
  if (needs_key(*def, config::certificates_dir_or_default(cfg.cluster))) {
    state.pregenerate({std::string(def->base_name)}, cfg.cluster.encryption_algorithm);
  }
}

void end_certs(const config::InitConfiguration& cfg) {
  spdlog::info("[certs] Valid certificates and keys now exist in \"{}\"",
               config::certificates_dir_or_default(cfg.cluster));
}

Status run_all_certs(const config::InitConfiguration& cfg, PkiState& state,
                     plan::Effects& effects) {
  KADM_TRY(plan::with_held_writes(effects, [&]() -> Status {
    KADM_TRY(begin_certs(cfg, state));
    for (const auto* def : active_certs(cfg))
      KADM_TRY(run_cert_phase(def->name, cfg, state, effects));
    return {};
  }));
  end_certs(cfg);
  return {};
}

}  // namespace kadm::certs
