// CoreDNS in an upgrade: the preflight checks refuse a Corefile the migration cannot handle unless
// told to ignore it, and the addon phase writes the new default, keeps the user's Corefile, or
// migrates it (Corefile + Corefile-backup, the Deployment pointed at the backup first).

#include <gtest/gtest.h>

#include <algorithm>

#include <sstream>

#include "clusterobjects/addons.h"
#include "clusterobjects/object_rules.h"
#include "config/defaults.h"
#include "host/linux_host.h"
#include "lib/fake_api_server.h"
#include "lib/log_capture.h"
#include "preflight/run_checks.h"
#include "staticpod/rollout.h"  // UpgradeData owns a staticpod::Probe
#include "upgrade/coredns_upgrade.h"

namespace kadm::upgrade {
namespace {

using json = nlohmann::json;
constexpr std::string_view kConfigMap = "/api/v1/namespaces/kube-system/configmaps/coredns";
constexpr std::string_view kDeployment = "/apis/apps/v1/namespaces/kube-system/deployments/coredns";

config::KubeVersion v(std::string_view s) { return config::parse_kube_version(s).value(); }

std::string default_corefile(std::string_view version) {
  return clusterobjects::corefile("cluster.local", clusterobjects::object_rules(v(version)));
}

// CoreDNS v1.7.0's Corefile with zone transfers in the kubernetes plugin, which v1.8.0 refuses.
const std::string kWithTransfer =
    ".:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
    "       pods insecure\n       transfer to 10.1.1.1\n    }\n"
    "    forward . /etc/resolv.conf\n    cache 30\n}\n";
// A plugin the migration does not know (CoreDNS has it).
const std::string kWithChaos =
    ".:53 {\n    errors\n    chaos kadm-e2e\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n"
    "    forward . /etc/resolv.conf\n}\n";

class Borrowed final : public apiclient::Client {
 public:
  explicit Borrowed(apiclient::Client& inner) : m_inner(inner) {}
  apiclient::ApiResult<json> send(const apiclient::Request& r) override { return m_inner.send(r); }

 private:
  apiclient::Client& m_inner;
};

// One fake API server for the reads and the writes of an upgrade from `cluster` to `target`
// whose CoreDNS Deployment runs `coredns_tag` with `corefile`.
struct Fixture {
  std::ostringstream out;
  UpgradeData d;
  test::FakeApiServer* api = nullptr;

  Fixture(std::string_view cluster, std::string_view target, std::string coredns_tag,
          std::optional<std::string> corefile) {
    auto fake = std::make_unique<test::FakeApiServer>();
    api = fake.get();
    d.reader = std::move(fake);
    d.init.api = std::make_unique<Borrowed>(*api);
    d.cluster = v(cluster);
    d.target = v(target);
    d.state.coredns = coredns_tag;
    config::set_init_defaults(d.init.cfg);
    d.init.cfg.cluster.kubernetes_version = std::string(target);
    d.init.version = d.target;
    d.init.out = &out;
    if (corefile) {
      api->put(std::string(kConfigMap),
               json{{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata", {{"name", "coredns"}, {"namespace", "kube-system"}}},
                    {"data", {{"Corefile", *corefile}}}});
    }
    api->put(std::string(kDeployment),
             json{{"apiVersion", "apps/v1"},
                  {"kind", "Deployment"},
                  {"metadata", {{"name", "coredns"}, {"namespace", "kube-system"}}},
                  {"spec", {{"replicas", 2}}}});
  }

  preflight::Report preflight(std::vector<std::string> ignore = {}) {
    host::LinuxHost host;
    auto set = preflight::parse_ignore_list(ignore, out).value();
    preflight::Report report;
    preflight::run_followup_checks(coredns_checks(d), host, set, out, report);
    return report;
  }

  bool wrote(std::string_view method, std::string_view path) const {
    for (const auto& r : api->requests) {
      if (r.method == method && r.path == path) return true;
    }
    return false;
  }
};

CoreDnsState state(std::string corefile, std::string from, std::string to) {
  CoreDnsState s;
  s.deployed = true;
  s.corefile = std::move(corefile);
  s.from = std::move(from);
  s.to = std::move(to);
  s.defaults = {default_corefile("v1.36.3"), default_corefile("v1.37.2")};
  return s;
}

// --- what the addon phase decides --------------------------------------------------------------

TEST(UpgradeCoreDns, DefaultOrMissingCorefileGetsTheNewDefault) {
  EXPECT_EQ(decide_corefile(state(default_corefile("v1.36.3"), "1.13.1", "1.14.6")).how,
            CorefileHandling::WriteDefault);
  // Reindented and reordered, still kadm's default.
  std::string reordered =
      ".:53 {\n reload\n loop\n errors\n health {\n lameduck 5s\n }\n ready\n"
      " kubernetes cluster.local in-addr.arpa ip6.arpa {\n ttl 30\n pods insecure\n"
      " fallthrough in-addr.arpa ip6.arpa\n }\n prometheus :9153\n"
      " forward . /etc/resolv.conf {\n max_concurrent 1000\n }\n"
      " cache 30 {\n disable success cluster.local\n disable denial cluster.local\n }\n"
      " loadbalance\n}\n";
  EXPECT_EQ(decide_corefile(state(reordered, "1.13.1", "1.14.6")).how,
            CorefileHandling::WriteDefault);
  CoreDnsState none;
  EXPECT_EQ(decide_corefile(none).how, CorefileHandling::WriteDefault);
}

TEST(UpgradeCoreDns, CustomCorefileIsKeptWhenNothingWasRemoved) {
  EXPECT_EQ(decide_corefile(state(kWithChaos, "1.13.1", "1.14.6")).how, CorefileHandling::Keep);
  std::string endpoints =
      ".:53 {\n kubernetes cluster.local {\n endpoint https://a:6443 https://b:6443\n }\n}\n";
  EXPECT_EQ(decide_corefile(state(endpoints, "1.13.1", "1.14.6")).how, CorefileHandling::Keep);
  // No Deployment: the release it was written for is unknown, so it is left alone.
  EXPECT_EQ(decide_corefile(state(kWithTransfer, "", "1.8.0")).how, CorefileHandling::Keep);
}

TEST(UpgradeCoreDns, CustomCorefileWithARemovedOptionIsMigrated) {
  auto decision = decide_corefile(state(kWithTransfer, "1.7.0", "1.8.0"));
  ASSERT_EQ(decision.how, CorefileHandling::Migrate);
  EXPECT_NE(decision.migrated.find("    transfer cluster.local {\n        to 10.1.1.1\n"),
            std::string::npos)
      << decision.migrated;
  EXPECT_EQ(decision.migrated.find("transfer to"), std::string::npos);
  EXPECT_NE(decision.reason.find("option \"transfer\" of plugin \"kubernetes\" is removed"),
            std::string::npos)
      << decision.reason;
}

TEST(UpgradeCoreDns, UnmigratableCorefileKeepsCoreDnsAsItIs) {
  auto unknown = decide_corefile(state(kWithTransfer, "1.6.7", "1.8.0"));
  EXPECT_EQ(unknown.how, CorefileHandling::KeepUnmigrated);
  EXPECT_NE(unknown.reason.find("v1.6.7"), std::string::npos) << unknown.reason;
  EXPECT_EQ(decide_corefile(state(".:53 {\n errors\n", "1.7.0", "1.8.0")).how,
            CorefileHandling::KeepUnmigrated);
}

// --- apply's preflight -------------------------------------------------------------------------

TEST(UpgradeCoreDns, UnsupportedPluginFailsPreflightUnlessIgnored) {
  Fixture f("v1.36.3", "v1.37.2", "v1.13.1", kWithChaos);
  auto report = f.preflight();
  EXPECT_TRUE(report.fatal);
  EXPECT_NE(f.out.str().find("[ERROR CoreDNSUnsupportedPlugins]: CoreDNS cannot migrate the "
                             "following plugins: [plugin \"chaos\" is unknown"),
            std::string::npos)
      << f.out.str();
  EXPECT_EQ(f.out.str().find("CoreDNSMigration"), std::string::npos);

  Fixture ignored("v1.36.3", "v1.37.2", "v1.13.1", kWithChaos);
  auto passed = ignored.preflight({"CoreDNSUnsupportedPlugins"});
  EXPECT_FALSE(passed.fatal) << ignored.out.str();
  EXPECT_NE(ignored.out.str().find("[WARNING CoreDNSUnsupportedPlugins]"), std::string::npos);
  EXPECT_EQ(ignored.out.str().find("unknown preflight check name"), std::string::npos);
}

TEST(UpgradeCoreDns, DefaultCorefilePassesAndUnknownReleaseFailsMigration) {
  Fixture ok("v1.36.3", "v1.37.2", "v1.13.1", default_corefile("v1.36.3"));
  EXPECT_FALSE(ok.preflight().fatal) << ok.out.str();
  // Both checks ran over one read of the ConfigMap.
  EXPECT_EQ(
      std::ranges::count_if(ok.api->requests, [](const auto& r) { return r.path == kConfigMap; }),
      1);

  Fixture unknown("v1.36.3", "v1.37.2", "v1.6.7", default_corefile("v1.36.3"));
  EXPECT_TRUE(unknown.preflight().fatal);
  EXPECT_NE(unknown.out.str().find("[ERROR CoreDNSMigration]: CoreDNS will not be upgraded"),
            std::string::npos)
      << unknown.out.str();

  Fixture disabled("v1.36.3", "v1.37.2", "v1.6.7", kWithChaos);
  disabled.d.init.cfg.cluster.dns.disabled = true;
  EXPECT_FALSE(disabled.preflight().fatal) << disabled.out.str();

  Fixture no_configmap("v1.36.3", "v1.37.2", "v1.13.1", std::nullopt);
  EXPECT_FALSE(no_configmap.preflight().fatal) << no_configmap.out.str();
}

// --- the addon phase -----------------------------------------------------------------------------

TEST(UpgradeCoreDns, AddonPhaseMigratesAndKeepsTheOldCorefileAsBackup) {
  Fixture f("v1.20.15", "v1.21.14", "v1.7.0", kWithTransfer);
  test::LogCapture log;
  ASSERT_TRUE(upgrade_coredns_addon(f.d));
  const json& cm = f.api->at(std::string(kConfigMap));
  EXPECT_EQ(cm["data"]["Corefile-backup"], kWithTransfer);
  EXPECT_NE(cm["data"]["Corefile"].get<std::string>().find("transfer cluster.local"),
            std::string::npos);
  // The Deployment was pointed at the backup before the new one replaced it.
  bool patched_to_backup = false;
  for (const auto& r : f.api->requests) {
    if (r.method == "PATCH" && r.path == kDeployment) {
      patched_to_backup = r.body->dump().find("\"key\":\"Corefile-backup\"") != std::string::npos;
    }
  }
  EXPECT_TRUE(patched_to_backup);
  const json& dep = f.api->at(std::string(kDeployment));
  EXPECT_NE(dep.dump().find("\"key\":\"Corefile\""), std::string::npos);
  EXPECT_NE(dep.dump().find("coredns:v1.8.0"), std::string::npos) << dep.dump();
  EXPECT_NE(log.str().find("[addons] Migrating CoreDNS Corefile"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("[addons] Applied essential addon: CoreDNS"), std::string::npos);
}

TEST(UpgradeCoreDns, AddonPhaseKeepsACustomCorefileUntouched) {
  Fixture f("v1.36.3", "v1.37.2", "v1.13.1", kWithChaos);
  test::LogCapture log;
  ASSERT_TRUE(upgrade_coredns_addon(f.d));
  EXPECT_EQ(f.api->at(std::string(kConfigMap))["data"],
            (json{{"Corefile", kWithChaos}}));  // no Corefile-backup either
  EXPECT_FALSE(f.wrote("PUT", kConfigMap));
  EXPECT_TRUE(f.wrote("PUT", kDeployment));
  EXPECT_EQ(log.str().find("Migrating"), std::string::npos);
}

TEST(UpgradeCoreDns, AddonPhaseReplacesADefaultCorefileWithTheNewDefault) {
  Fixture f("v1.28.15", "v1.29.10", "v1.10.1", default_corefile("v1.28.15"));
  test::LogCapture log;
  ASSERT_TRUE(upgrade_coredns_addon(f.d));
  EXPECT_EQ(f.api->at(std::string(kConfigMap))["data"]["Corefile"], default_corefile("v1.29.10"));
}

TEST(UpgradeCoreDns, AddonPhaseLeavesCoreDnsAloneWhenMigrationFails) {
  Fixture f("v1.36.3", "v1.37.2", "v1.6.7", kWithTransfer);
  test::LogCapture log;
  ASSERT_TRUE(upgrade_coredns_addon(f.d));
  EXPECT_FALSE(f.wrote("PUT", kConfigMap));
  EXPECT_FALSE(f.wrote("PUT", kDeployment));
  EXPECT_FALSE(f.wrote("PATCH", kDeployment));
  EXPECT_NE(log.str().find("The CoreDNS Corefile was not migrated"), std::string::npos)
      << log.str();
}

}  // namespace
}  // namespace kadm::upgrade
