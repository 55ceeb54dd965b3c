// The Corefile model and the migration table walk, on Corefiles as clusters hold them: kadm's
// default, custom ones with options later CoreDNS releases removed or ignore, plugins the table
// does not know.

#include <gtest/gtest.h>

#include <algorithm>

#include "clusterobjects/addons.h"
#include "clusterobjects/corefile.h"
#include "clusterobjects/corefile_migration.h"
#include "clusterobjects/corefile_rules.h"
#include "clusterobjects/object_rules.h"
#include "config/version.h"
#include "manifests/version_table.h"

namespace kadm::clusterobjects {
namespace {

Corefile parsed(std::string_view text) {
  auto c = parse_corefile(text);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().text());
  return c.value_or(Corefile{});
}

std::string default_corefile(std::string_view version) {
  return corefile("cluster.local", object_rules(config::parse_kube_version(version).value()));
}

std::vector<std::string> notices(const std::vector<CorefileNotice>& list) {
  std::vector<std::string> out;
  for (const auto& n : list) {
    out.push_back(n.plugin + "/" + n.option + " " + n.severity + " " + n.release);
  }
  return out;
}

// The Corefile a v1.20 cluster might run on CoreDNS v1.7.0: zone transfers out of the
// kubernetes plugin and several API endpoints (CoreDNS ignores all but the first).
constexpr std::string_view kCustom170 = R"(.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       endpoint https://10.0.0.1:6443 https://10.0.0.2:6443
       transfer to 10.1.1.1 10.1.1.2
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    hosts {
       10.9.9.9 registry.example.org
       fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
)";

// --- the model ----------------------------------------------------------------------------------

TEST(Corefile, ParsesKadmsDefaultIntoServersPluginsAndOptions) {
  auto c = parsed(default_corefile("v1.37.2"));
  ASSERT_EQ(c.servers.size(), 1u);
  EXPECT_EQ(c.servers[0].keys, std::vector<std::string>{".:53"});
  std::vector<std::string> names;
  for (const auto& p : c.servers[0].plugins) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"errors", "health", "ready", "kubernetes", "prometheus",
                                      "forward", "cache", "loop", "reload", "loadbalance"}));
  const auto& k8s = c.servers[0].plugins[3];
  EXPECT_EQ(k8s.args, (std::vector<std::string>{"cluster.local", "in-addr.arpa", "ip6.arpa"}));
  ASSERT_EQ(k8s.options.size(), 3u);
  EXPECT_EQ(k8s.options[1].name, "fallthrough");
  EXPECT_EQ(k8s.options[1].args, (std::vector<std::string>{"in-addr.arpa", "ip6.arpa"}));
}

TEST(Corefile, PrintsInTheMigrationLibrarysLayout) {
  auto c = parsed(
      "# the zone\nexample.org:53 {\n  file \"/etc/coredns/my zone.db\"\n  errors\n}\n.:53 {\n"
      "  forward . 8.8.8.8 { max_concurrent 10 }\n}");
  EXPECT_EQ(print_corefile(c),
            "example.org:53 {\n"
            "    file \"/etc/coredns/my zone.db\"\n"
            "    errors\n"
            "}\n"
            "\n"
            ".:53 {\n"
            "    forward . 8.8.8.8 {\n"
            "        max_concurrent 10\n"
            "    }\n"
            "}\n");
  EXPECT_EQ(parsed(print_corefile(c)), c);
}

TEST(Corefile, QuotesWhatWouldReadBackAsSomethingElse) {
  auto c = parsed(".:53 {\n template \"{\" \"\" \"#not a comment\" \"say \\\"hi\\\"\" a\\\"b\n}\n");
  const auto& args = c.servers.at(0).plugins.at(0).args;
  EXPECT_EQ(args, (std::vector<std::string>{"{", "", "#not a comment", "say \"hi\"", "a\\\"b"}));
  EXPECT_EQ(print_corefile(c),
            ".:53 {\n    template \"{\" \"\" \"#not a comment\" \"say \\\"hi\\\"\" a\\\"b\n}\n");
  EXPECT_EQ(parsed(print_corefile(c)), c);
}

TEST(Corefile, EquivalentIgnoresOrderButNotArguments) {
  auto a = parsed(".:53 {\n errors\n cache 30 {\n success 10\n denial 5\n }\n}\n");
  auto b = parsed(".:53 {\n cache 30 {\n denial 5\n success 10\n }\n errors\n}\n");
  auto c = parsed(".:53 {\n cache 31 {\n denial 5\n success 10\n }\n errors\n}\n");
  EXPECT_TRUE(equivalent(a, b));
  EXPECT_FALSE(equivalent(a, c));
}

TEST(Corefile, RefusesWhatItCannotReadBack) {
  EXPECT_FALSE(parse_corefile(".:53 {\n errors\n"));
  EXPECT_FALSE(parse_corefile(".:53 {\n errors\n}\n}\n"));
  EXPECT_FALSE(parse_corefile(".:53 {\n file \"db\n}\n"));
  EXPECT_FALSE(parse_corefile(".:53 {\n forward . 1.1.1.1 {\n tls {\n x\n }\n }\n}\n"));
}

// --- the table --------------------------------------------------------------------------------

TEST(CorefileRules, EveryRowNamesReleasesOfTheChain) {
  auto releases = corefile_releases();
  auto in_chain = [&](std::string_view r) {
    return std::ranges::find(releases, r) != releases.end();
  };
  for (const auto& row : corefile_rules()) {
    EXPECT_TRUE(in_chain(row.since)) << row.plugin << " " << row.option << " " << row.since;
    EXPECT_TRUE(row.until.empty() || in_chain(row.until)) << row.plugin << " " << row.until;
  }
}

TEST(CorefileRules, KnowEveryCoreDnsReleaseKadmDeploys) {
  auto releases = corefile_releases();
  for (int minor = manifests::kOldestSupportedMinor; minor <= manifests::kNewestSupportedMinor;
       ++minor) {
    auto row = manifests::version_row("v1." + std::to_string(minor) + ".0").value();
    std::string tag(row.coredns_tag);
    if (tag.starts_with('v')) tag.erase(0, 1);
    EXPECT_NE(std::ranges::find(releases, tag), releases.end()) << "v1." << minor << ": " << tag;
  }
}

// --- the walk -----------------------------------------------------------------------------------

TEST(CorefileMigration, DefaultCorefileNeedsNothing) {
  auto c = parsed(default_corefile("v1.36.3"));
  EXPECT_TRUE(corefile_changes("1.13.1", "1.14.6", c)->empty());
  EXPECT_TRUE(corefile_unsupported("1.13.1", "1.14.6", c)->empty());
  EXPECT_EQ(migrate_corefile("1.13.1", "1.14.6", c).value(), c);
  // v1.20's default through v1.21's CoreDNS as well.
  auto old = parsed(default_corefile("v1.20.15"));
  EXPECT_FALSE(migration_required(corefile_changes("1.7.0", "1.8.0", old).value()));
  EXPECT_TRUE(corefile_unsupported("1.7.0", "1.8.0", old)->empty());
}

TEST(CorefileMigration, RemovedOptionIsMigratedAndIgnoredArgumentsDropped) {
  auto c = parsed(kCustom170);
  auto changes = corefile_changes("1.7.0", "1.8.0", c).value();
  EXPECT_EQ(notices(changes), (std::vector<std::string>{"kubernetes/endpoint ignored 1.7.1",
                                                        "kubernetes/transfer removed 1.8.0"}));
  EXPECT_TRUE(migration_required(changes));
  EXPECT_TRUE(corefile_unsupported("1.7.0", "1.8.0", c)->empty());
  auto migrated = print_corefile(migrate_corefile("1.7.0", "1.8.0", c).value());
  EXPECT_EQ(migrated,
            ".:53 {\n"
            "    errors\n"
            "    health {\n"
            "        lameduck 5s\n"
            "    }\n"
            "    ready\n"
            "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
            "        pods insecure\n"
            "        endpoint https://10.0.0.1:6443\n"
            "        fallthrough in-addr.arpa ip6.arpa\n"
            "        ttl 30\n"
            "    }\n"
            "    hosts {\n"
            "        10.9.9.9 registry.example.org\n"
            "        fallthrough\n"
            "    }\n"
            "    prometheus :9153\n"
            "    forward . /etc/resolv.conf {\n"
            "        max_concurrent 1000\n"
            "    }\n"
            "    cache 30\n"
            "    loop\n"
            "    reload\n"
            "    loadbalance\n"
            "    transfer cluster.local {\n"
            "        to 10.1.1.1 10.1.1.2\n"
            "    }\n"
            "}\n");
}

TEST(CorefileMigration, OptionsRemovedInV171AreDropped) {
  auto c = parsed(
      ".:53 {\n kubernetes cluster.local {\n upstream\n resyncperiod 30s\n pods verified\n }\n}\n");
  auto changes = corefile_changes("1.7.0", "1.7.1", c).value();
  EXPECT_EQ(notices(changes), (std::vector<std::string>{"kubernetes/upstream removed 1.7.1",
                                                        "kubernetes/resyncperiod removed 1.7.1"}));
  EXPECT_EQ(print_corefile(migrate_corefile("1.7.0", "1.7.1", c).value()),
            ".:53 {\n    kubernetes cluster.local {\n        pods verified\n    }\n}\n");
}

TEST(CorefileMigration, IgnoredOptionAloneKeepsTheCorefile) {
  auto c = parsed(
      ".:53 {\n kubernetes cluster.local {\n endpoint https://a:6443 https://b:6443\n }\n}\n");
  auto changes = corefile_changes("1.13.1", "1.14.6", c).value();
  EXPECT_EQ(notices(changes), std::vector<std::string>{"kubernetes/endpoint ignored 1.13.2"});
  EXPECT_FALSE(migration_required(changes));
}

TEST(CorefileMigration, ReportsPluginsAndOptionsTheTableDoesNotKnow) {
  auto c = parsed(
      ".:53 {\n chaos kadm-e2e\n forward . 8.8.8.8 {\n fail_fast\n }\n kubernetes cluster.local\n"
      "}\n");
  EXPECT_EQ(notices(corefile_unsupported("1.11.4", "1.12.0", c).value()),
            (std::vector<std::string>{"chaos/ unsupported 1.12.0",
                                      "forward/fail_fast unsupported 1.12.0"}));
  // v1.11.4 knew fail_fast: only the plugin is unknown there.
  EXPECT_EQ(notices(corefile_unsupported("1.11.3", "1.11.4", c).value()),
            std::vector<std::string>{"chaos/ unsupported 1.11.4"});
  // A migration keeps what it does not know.
  EXPECT_EQ(migrate_corefile("1.11.4", "1.12.0", c).value(), c);
  // Nothing moves between equal releases, so nothing is unsupported.
  EXPECT_TRUE(corefile_unsupported("1.13.1", "1.13.1", c)->empty());
}

TEST(CorefileMigration, RefusesReleasesOutsideTheChainAndDowngrades) {
  auto c = parsed(default_corefile("v1.36.3"));
  EXPECT_FALSE(migrate_corefile("1.6.7", "1.14.6", c));
  EXPECT_FALSE(migrate_corefile("1.14.6", "1.13.1", c));
  EXPECT_FALSE(corefile_changes("1.13.1", "1.15.0", c));
  EXPECT_FALSE(corefile_unsupported("1.11.2", "1.12.0", c));
  auto err = check_migration_path("1.6.7", "1.14.6");
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().text().find("v1.7.0 ... v1.14.6"), std::string::npos) << err.error().text();
}

}  // namespace
}  // namespace kadm::clusterobjects
