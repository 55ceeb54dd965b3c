#include "upgrade/coredns_upgrade.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <ostream>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "clusterobjects/addons.h"
#include "clusterobjects/corefile_migration.h"
#include "clusterobjects/object_rules.h"
#include "common/strings.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "manifests/version_table.h"

namespace kadm::upgrade {

namespace {

using apiclient::member;
using apiclient::text_member;
using clusterobjects::Corefile;
using json = nlohmann::json;

constexpr std::string_view kDeployment = "/apis/apps/v1/namespaces/kube-system/deployments/coredns";

std::string without_v(std::string_view tag) {
  return std::string(tag.starts_with('v') ? tag.substr(1) : tag);
}

bool is_default(const Corefile& corefile, const std::vector<std::string>& defaults) {
  return std::ranges::any_of(defaults, [&](const std::string& text) {
    auto parsed = clusterobjects::parse_corefile(text);
    return parsed && clusterobjects::equivalent(corefile, *parsed);
  });
}

std::string texts(const std::vector<clusterobjects::CorefileNotice>& notices) {
  std::vector<std::string> out;
  for (const auto& n : notices) out.push_back(n.text());
  return str::join(out, "; ");
}

// The state the checks look at; nullopt when there is nothing to migrate (CoreDNS disabled, no
// Corefile yet, or no CoreDNS Deployment to tell the release it was written for).
Result<std::optional<CoreDnsState>> state_to_check(UpgradeData& d) {
  if (d.init.cfg.cluster.dns.disabled) return std::nullopt;
  auto s = KADM_TRY(read_coredns_state(d));
  if (!s.deployed || s.from.empty()) return std::nullopt;
  return s;
}

using CheckedState = Result<std::optional<CoreDnsState>>;

preflight::Findings check_unsupported(UpgradeData& d, const CheckedState& s) {
  if (!s) return preflight::error(s.error().text());
  if (!*s) return {};
  auto parsed = clusterobjects::parse_corefile((*s)->corefile);
  if (!parsed) return {};  // CoreDNSMigration says why
  auto unsupported = clusterobjects::corefile_unsupported((*s)->from, (*s)->to, *parsed);
  if (!unsupported) return preflight::error(unsupported.error().text());
  if (unsupported->empty()) return {};
  *d.init.out << "[preflight] The Corefile contains plugins that kadm does not know how to "
                 "migrate. Check each one listed against CoreDNS v"
              << (*s)->to
              << " by hand; then upgrade with this check ignored: kadm migrates the rest of the "
                 "Corefile and leaves the listed ones as they are, without knowing whether the "
                 "new CoreDNS accepts them.\n";
  return preflight::error("CoreDNS cannot migrate the following plugins: [" + texts(*unsupported) +
                          "]");
}

preflight::Findings check_migration(const CheckedState& s) {
  if (!s) return preflight::error(s.error().text());
  if (!*s) return {};
  auto parsed = clusterobjects::parse_corefile((*s)->corefile);
  if (!parsed) return preflight::error("CoreDNS will not be upgraded: " + parsed.error().text());
  auto migrated = clusterobjects::migrate_corefile((*s)->from, (*s)->to, *parsed);
  if (!migrated) {
    return preflight::error("CoreDNS will not be upgraded: " + migrated.error().text());
  }
  return {};
}

void erase_kind(std::vector<json>& objects, std::string_view kind) {
  std::erase_if(objects, [&](const json& o) { return text_member(o, "kind") == kind; });
}

Status done(apiclient::ApiResult<json> r, std::string what) {
  if (!r) return std::unexpected(Error(std::move(r).error()).with_context(std::move(what)));
  return {};
}

// kubeadm's order: the ConfigMap holds both texts, the running Pods keep reading the old one
// (Corefile-backup) until the new Deployment, which reads "Corefile", replaces them.
Status write_migrated(apiclient::Client& client, std::vector<json>& objects,
                      const CoreDnsState& state, const CorefileDecision& decision) {
  auto cm = std::ranges::find_if(
      objects, [](const json& o) { return text_member(o, "kind") == "ConfigMap"; });
  if (cm == objects.end()) return fail("the CoreDNS objects have no ConfigMap");
  json migrated = *cm;
  migrated["data"] = {{"Corefile", decision.migrated}, {"Corefile-backup", state.corefile}};
  KADM_TRY(done(apiclient::apply_object(client, migrated), "storing the migrated Corefile"));
  json to_backup = {
      {"spec",
       {{"template",
         {{"spec",
           {{"volumes",
             json::array({{{"name", "config-volume"},
                           {"configMap",
                            {{"name", "coredns"},
                             {"items", json::array({{{"key", "Corefile-backup"},
                                                     {"path", "Corefile"}}})}}}}})}}}}}}}};
  KADM_TRY(done(client.patch(kDeployment, to_backup, apiclient::PatchType::StrategicMerge),
                "pointing the CoreDNS Deployment at Corefile-backup"));
  spdlog::info("[addons] Migrating CoreDNS Corefile");
  spdlog::debug("[addons] Corefile changes: {}", decision.reason);
  erase_kind(objects, "ConfigMap");
  return {};
}

}  // namespace

CorefileDecision decide_corefile(const CoreDnsState& state) {
  if (!state.deployed || state.corefile.empty()) return {};
  auto parsed = clusterobjects::parse_corefile(state.corefile);
  if (parsed && is_default(*parsed, state.defaults)) return {};
  if (state.from.empty()) return {CorefileHandling::Keep, "", ""};
  if (!parsed) return {CorefileHandling::KeepUnmigrated, "", parsed.error().text()};
  auto changes = clusterobjects::corefile_changes(state.from, state.to, *parsed);
  if (!changes) return {CorefileHandling::KeepUnmigrated, "", changes.error().text()};
  if (!clusterobjects::migration_required(*changes)) return {CorefileHandling::Keep, "", ""};
  auto migrated = clusterobjects::migrate_corefile(state.from, state.to, *parsed);
  if (!migrated) return {CorefileHandling::KeepUnmigrated, "", migrated.error().text()};
  return {CorefileHandling::Migrate, clusterobjects::print_corefile(*migrated), texts(*changes)};
}

Result<CoreDnsState> read_coredns_state(UpgradeData& d) {
  CoreDnsState s;
  s.to = without_v(KADM_TRY(manifests::version_row(d.target)).coredns_tag);
  s.from = without_v(d.state.coredns);
  const auto& domain = d.init.cfg.cluster.networking.dns_domain;
  for (const auto& v : {d.cluster, d.target}) {
    s.defaults.push_back(clusterobjects::corefile(domain, clusterobjects::object_rules(v)));
  }
  auto cm = apiclient::get_configmap(*d.reader, apiclient::kKubeSystem, "coredns");
  if (!cm && cm.error().is_not_found()) return s;
  if (!cm) {
    return fail(ErrorKind::Api, "cannot read the coredns ConfigMap: " + cm.error().text());
  }
  const auto& corefile = member(member(*cm, "data"), "Corefile");
  if (!corefile.is_string()) {
    return fail(ErrorKind::Validation, "the coredns ConfigMap in kube-system has no Corefile");
  }
  s.deployed = true;
  s.corefile = corefile.get<std::string>();
  return s;
}

std::vector<preflight::Check> coredns_checks(UpgradeData& d) {
  // Both checks look at the same ConfigMap: it is read once, by whichever runs first.
  auto cached = std::make_shared<std::optional<CheckedState>>();
  auto state = [&d, cached]() -> const CheckedState& {
    if (!*cached) *cached = state_to_check(d);
    return **cached;
  };
  return {
      preflight::Check{"CoreDNSUnsupportedPlugins", preflight::Severity::Error,
                       [&d, state](const host::Host&) { return check_unsupported(d, state()); },
                       std::nullopt,
                       "check the listed plugins against the new CoreDNS release, then pass "
                       "--ignore-preflight-errors=CoreDNSUnsupportedPlugins"},
      preflight::Check{"CoreDNSMigration", preflight::Severity::Error,
                       [state](const host::Host&) { return check_migration(state()); },
                       std::nullopt,
                       "fix the Corefile in the coredns ConfigMap (kube-system) so it parses, "
                       "or upgrade with this check ignored to keep CoreDNS as it is"},
  };
}

Status upgrade_coredns_addon(UpgradeData& d) {
  auto objects = KADM_TRY(init::coredns_addon_objects(d.init, false));
  auto state = KADM_TRY(read_coredns_state(d));
  auto decision = decide_corefile(state);
  auto* client = KADM_TRY(init::api_client(d.init));
  switch (decision.how) {
    case CorefileHandling::WriteDefault:
      break;
    case CorefileHandling::Keep:
      erase_kind(objects, "ConfigMap");
      break;
    case CorefileHandling::KeepUnmigrated:
      spdlog::warn(
          "[addons] The CoreDNS Corefile was not migrated: {}. The existing Corefile and CoreDNS "
          "Deployment are kept",
          decision.reason);
      erase_kind(objects, "ConfigMap");
      erase_kind(objects, "Deployment");
      break;
    case CorefileHandling::Migrate:
      KADM_TRY(write_migrated(*client, objects, state, decision));
      break;
  }
  KADM_TRY(init::apply_objects(*client, objects));
  spdlog::info("[addons] Applied essential addon: CoreDNS");
  return {};
}

}  // namespace kadm::upgrade
