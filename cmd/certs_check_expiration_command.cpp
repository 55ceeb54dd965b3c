#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <iostream>

#include "certs_flags.h"
#include "common/constants.h"
#include "common/duration.h"
#include "common/time_format.h"
#include "common/yaml_emit.h"
#include "config_source.h"
#include "parent_command.h"
#include "registry.h"
#include "renewal/expiration.h"

namespace kadm::cli {
namespace {

struct CheckOptions {
  config::InitFlags base;
  std::string kubeconfig_dir = std::string(constants::kKubernetesDir);
  std::string kubelet_pki_dir = std::string(constants::kKubeletDir) + "/pki";
  std::string output;
};

// "Jan 02, 2006 15:04 UTC", the layout of kubeadm's expiration table.
std::string human_time(certs::TimePoint t) {
  std::time_t tt = certs::Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64] = {};
  std::strftime(buf, sizeof buf, "%b %d, %Y %H:%M UTC", &tm);
  return buf;
}

// Columns padded to the widest cell plus three spaces, like Go's tabwriter in kubeadm.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& r : rows) {
    widths.resize(std::max(widths.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] + 3 - r[i].size(), ' ');
    }
    std::cout << line << "\n";
  }
}

nlohmann::ordered_json to_json(const std::vector<renewal::CertExpiry>& rows) {
  auto item = [](const renewal::CertExpiry& e) {
    nlohmann::ordered_json j;
    j["name"] = e.name;
    j["expirationDate"] = e.missing ? "" : format_rfc3339_utc(e.expires);
    j["residualTime"] = std::chrono::duration_cast<std::chrono::nanoseconds>(e.residual).count();
    if (!e.is_ca) j["certificateAuthority"] = e.ca_name;
    j["externallyManaged"] = e.externally_managed;
    j["missing"] = e.missing;
    return j;
  };
  nlohmann::ordered_json out;
  out["kind"] = "CertificateExpirationInfo";
  out["apiVersion"] = "output.kubeadm.k8s.io/v1alpha3";
  out["certificates"] = nlohmann::ordered_json::array();
  out["certificateAuthorities"] = nlohmann::ordered_json::array();
  for (const auto& e : rows)
    out[e.is_ca ? "certificateAuthorities" : "certificates"].push_back(item(e));
  return out;
}

Status run_check(const CheckOptions& o) {
  auto cfg = KADM_TRY(load_init_configuration(o.base));
  auto rows = renewal::check_expiration(cfg, o.kubeconfig_dir);
  if (auto kubelet = renewal::kubelet_client_expiry(o.kubelet_pki_dir)) {
    auto first_ca = std::ranges::find_if(rows, [](const auto& r) { return r.is_ca; });
    rows.insert(first_ca, *kubelet);
  }
  // On stderr, so that -o json|yaml stay parseable.
  for (const auto& w : renewal::expiry_warnings(rows)) {
    std::cerr << "[check-expiration] WARNING: " << w << "\n";
  }
  if (o.output == "json") {
    std::cout << to_json(rows).dump(4) << "\n";
    return {};
  }
  if (o.output == "yaml") {
    // Keys sorted, as kubeadm's YAML printer (sigs.k8s.io/yaml) writes them.
    std::cout << yaml::emit(nlohmann::json(to_json(rows)));
    return {};
  }
  if (!o.output.empty() && o.output != "text") {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + o.output + "\": use one of text, json, yaml");
  }
  auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
  auto expires = [](const renewal::CertExpiry& e) {
    return e.missing ? std::string("<missing>") : human_time(e.expires);
  };
  std::vector<std::vector<std::string>> leaves{
      {"CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"}};
  std::vector<std::vector<std::string>> cas{
      {"CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"}};
  for (const auto& e : rows) {
    std::string residual = e.missing ? "" : short_human_duration(e.residual);
    if (e.is_ca) {
      cas.push_back({e.name, expires(e), residual, yes_no(e.externally_managed)});
    } else {
      leaves.push_back({e.name, expires(e), residual, e.ca_name, yes_no(e.externally_managed)});
    }
  }
  print_table(leaves);
  std::cout << "\n";
  print_table(cas);
  return {};
}

const Registrar reg(322, "certs", [](CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<CheckOptions>();
  auto* certs =
      parent_command(root, "certs", "Commands related to handling Kubernetes certificates");
  auto* cmd = certs->add_subcommand("check-expiration",
                                    "Check certificates expiration for a Kubernetes cluster");
  cmd->add_option("-o,--output", opts->output, "Output format: text (default), json or yaml");
  add_pki_location_flags(cmd, opts->base, opts->kubeconfig_dir);
  cmd->add_option("--kubelet-pki-dir", opts->kubelet_pki_dir,
                  "Where the kubelet keeps kubelet-client-current.pem (kadm also lists it)")
      ->capture_default_str();
  on_run(cmd, ctx, [opts] { return run_check(*opts); });
});

}  // namespace
}  // namespace kadm::cli
