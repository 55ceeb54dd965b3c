#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "common/fs.h"
#include "config/defaults.h"
#include "lib/fake_api_server.h"
#include "lib/paths_host.h"
#include "lib/temp_dir.h"
#include "upgrade/cluster_state.h"
#include "upgrade/diff.h"
#include "upgrade/node_files.h"
#include "upgrade/plan.h"
#include "upgrade/policy.h"
#include "upgrade/tabwriter.h"

namespace kadm::upgrade {
namespace {

using json = nlohmann::json;

config::KubeVersion v(std::string_view s) { return config::parse_kube_version(s).value(); }

SkewInput skew(std::string_view cluster, std::string_view target,
               std::vector<std::string_view> kubelets = {}) {
  SkewInput in;
  in.cluster = v(cluster);
  in.target = v(target);
  in.newest_known = v("v1.37.2");
  for (auto k : kubelets) in.kubelets.push_back(v(k));
  return in;
}

std::vector<std::string> rules_of(const std::vector<SkewViolation>& list) {
  std::vector<std::string> out;
  for (const auto& x : list) out.push_back(x.rule);
  return out;
}

// --- skew policy: one row per rule, each case able to fail ------------------------------------

struct SkewCase {
  std::string name;
  SkewInput in;
  std::vector<std::string> fatal;
  std::vector<std::string> skippable;
};

class SkewPolicy : public ::testing::TestWithParam<SkewCase> {};

TEST_P(SkewPolicy, ReportsExactlyTheRulesThatApply) {
  auto verdict = classify(check_skew(GetParam().in));
  EXPECT_EQ(rules_of(verdict.fatal), GetParam().fatal);
  EXPECT_EQ(rules_of(verdict.skippable), GetParam().skippable);
}

SkewInput with(SkewInput in, void (*change)(SkewInput&)) {
  change(in);
  return in;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SkewPolicy,
    ::testing::Values(
        SkewCase{"next_minor", skew("v1.36.3", "v1.37.2", {"v1.36.3", "v1.36.3"}), {}, {}},
        SkewCase{"patch", skew("v1.37.0", "v1.37.2"), {}, {}},
        SkewCase{"two_minors_up", skew("v1.35.4", "v1.37.2"), {"minor-upgrade"}, {}},
        SkewCase{"two_minors_up_prerelease",
                 skew("v1.35.4", "v1.37.0-rc.1"),
                 {},
                 {"minor-upgrade", "unstable-target"}},
        SkewCase{"rc_allowed",
                 with(skew("v1.36.3", "v1.37.0-rc.1"), [](SkewInput& i) { i.allow_rc = true; }),
                 {},
                 {}},
        SkewCase{"alpha_needs_experimental",
                 with(skew("v1.36.3", "v1.37.0-alpha.1"), [](SkewInput& i) { i.allow_rc = true; }),
                 {},
                 {"unstable-target"}},
        SkewCase{"one_minor_down", skew("v1.37.2", "v1.36.3"), {}, {}},
        SkewCase{"two_minors_down", skew("v1.37.2", "v1.35.0"), {"minor-downgrade"}, {}},
        SkewCase{"newer_than_kadm", skew("v1.37.0", "v1.37.9"), {}, {"newer-than-kadm"}},
        SkewCase{"unsupported_minor", skew("v1.37.2", "v1.38.0"), {"target-supported"}, {}},
        SkewCase{"kubelet_three_minors_ok", skew("v1.36.3", "v1.37.2", {"v1.34.1"}), {}, {}},
        SkewCase{"kubelet_four_minors_old",
                 skew("v1.36.3", "v1.37.2", {"v1.36.3", "v1.33.9"}),
                 {},
                 {"kubelet-skew"}},
        SkewCase{"kubelets_unreadable",
                 with(skew("v1.36.3", "v1.37.2"), [](SkewInput& i) { i.kubelets_unknown = true; }),
                 {},
                 {"kubelets-unknown"}}),
    [](const auto& p) { return p.param.name; });

TEST(SkewPolicy, ReportSaysWhatIsFatalAndWhatForceBypasses) {
  auto fatal = classify(check_skew(skew("v1.35.4", "v1.37.2")));
  auto text = skew_report(fatal, true);
  EXPECT_NE(text.find("the version argument is invalid due to these fatal errors:"),
            std::string::npos);
  EXPECT_NE(
      text.find("\t- Specified version to upgrade to \"v1.37.2\" is too high; kadm can upgrade "
                "only 1 minor version at a time"),
      std::string::npos)
      << text;
  auto old_kubelets = classify(check_skew(skew("v1.36.3", "v1.37.2", {"v1.33.1"})));
  EXPECT_NE(skew_report(old_kubelets, false).find("Can be bypassed if you pass the --force flag"),
            std::string::npos);
  EXPECT_NE(skew_report(old_kubelets, false).find("[v1.33.1]"), std::string::npos);
  EXPECT_EQ(skew_report(old_kubelets, true), "");
}

// --- reading the cluster and planning -----------------------------------------------------

json pod(std::string_view node, std::string_view image) {
  return {{"spec", {{"nodeName", node}, {"containers", json::array({{{"image", image}}})}}}};
}

void put_cluster(test::FakeApiServer& api, std::string_view cp_version,
                 std::vector<std::pair<std::string, std::string>> kubelets) {
  const std::string repo = "10.213.0.2:5000/k8s/";
  api.put("/version", {{"gitVersion", cp_version}});
  auto pods = [&](std::string_view component, std::string_view tag) {
    api.put("/api/v1/namespaces/kube-system/pods?labelSelector=component%3D" +
                std::string(component) + "%2Ctier%3Dcontrol-plane",
            {{"items",
              json::array({pod("cp1", repo + std::string(component) + ":" + std::string(tag))})}});
  };
  pods("kube-apiserver", cp_version);
  pods("kube-controller-manager", cp_version);
  pods("kube-scheduler", cp_version);
  pods("etcd", "3.6.8-0");
  json nodes = json::array();
  for (const auto& [name, version] : kubelets) {
    nodes.push_back({{"metadata", {{"name", name}}},
                     {"status", {{"nodeInfo", {{"kubeletVersion", version}}}}}});
  }
  api.put("/api/v1/nodes", {{"items", nodes}});
  api.put(
      "/apis/apps/v1/namespaces/kube-system/deployments/coredns",
      {{"spec",
        {{"template",
          {{"spec", {{"containers", json::array({{{"image", repo + "coredns:v1.13.1"}}})}}}}}}}});
  api.put("/api/v1/namespaces/kube-system/configmaps/kubelet-config",
          {{"data",
            {{"kubelet",
              "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: "
              "KubeletConfiguration\n"}}}});
  api.put("/api/v1/namespaces/kube-system/configmaps/kube-proxy",
          {{"data", {{"config.conf", "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"}}}});
}

PlanInputs inputs(test::FakeApiServer& api, std::optional<std::string_view> requested = {}) {
  PlanInputs in;
  in.state = read_cluster_state(api).value();
  in.newest_known = v("v1.37.2");
  in.cluster_config.etcd.local = config::LocalEtcd{};
  if (requested) in.requested = v(*requested);
  return in;
}

TEST(UpgradePlan, ReadsEveryComponentsVersionFromTheCluster) {
  test::FakeApiServer api;
  put_cluster(api, "v1.36.3", {{"w2", "v1.36.3"}, {"cp1", "v1.36.3"}, {"w1", "v1.35.1"}});
  auto s = read_cluster_state(api).value();
  EXPECT_EQ(s.api_server_version, "v1.36.3");
  EXPECT_EQ(s.api_server, (VersionNodes{{"v1.36.3", {"cp1"}}}));
  EXPECT_EQ(s.etcd, (VersionNodes{{"3.6.8-0", {"cp1"}}}));
  EXPECT_EQ(s.kubelet, (VersionNodes{{"v1.35.1", {"w1"}}, {"v1.36.3", {"cp1", "w2"}}}));
  EXPECT_EQ(s.coredns, "v1.13.1");
  EXPECT_EQ(s.kubelet_config_api_version, "kubelet.config.k8s.io/v1beta1");
}

TEST(UpgradePlan, NextMinorListsWhatChangesWithTheVersionTablesTargets) {
  test::FakeApiServer api;
  put_cluster(api, "v1.36.3", {{"cp1", "v1.36.3"}, {"w1", "v1.36.3"}});
  auto plan = compute_plan(inputs(api)).value();
  ASSERT_TRUE(plan.refusal.empty()) << plan.refusal;
  EXPECT_EQ(plan.target, v("v1.37.2"));
  EXPECT_EQ(plan.description, "stable version");
  ASSERT_EQ(plan.kubelets.size(), 2u);
  EXPECT_EQ(plan.kubelets[0].node, "cp1");
  std::vector<std::string> names;
  for (const auto& c : plan.automatic) names.push_back(c.name + "@" + c.current + ">" + c.target);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "kube-apiserver@v1.36.3>v1.37.2", "kube-controller-manager@v1.36.3>v1.37.2",
                       "kube-scheduler@v1.36.3>v1.37.2", "kube-proxy@1.36.3>v1.37.2",
                       "CoreDNS@v1.13.1>v1.14.6", "etcd@3.6.8-0>3.7.0-0"}));
  auto text = plan_text(plan);
  EXPECT_NE(text.find("COMPONENT                 NODE      CURRENT   TARGET\n"
                      "kube-apiserver            cp1       v1.36.3   v1.37.2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kube-proxy                          1.36.3    v1.37.2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\tkadm upgrade apply v1.37.2\n"), std::string::npos);
  EXPECT_NE(text.find("kubelet.config.k8s.io     v1beta1           v1beta1             no"),
            std::string::npos)
      << text;
  auto j = plan_json(plan);
  EXPECT_EQ(j["kind"], "UpgradePlan");
  EXPECT_EQ(j["apiVersion"], "output.kubeadm.k8s.io/v1alpha3");
  EXPECT_EQ(j["availableUpgrades"][0]["components"][0]["name"], "kubelet");
  EXPECT_EQ(j["availableUpgrades"][0]["components"].size(), 8u);
}

TEST(UpgradePlan, PinnedEtcdAndDisabledAddonsFollowTheStoredConfiguration) {
  test::FakeApiServer api;
  put_cluster(api, "v1.36.3", {{"cp1", "v1.37.2"}});
  auto in = inputs(api);
  in.cluster_config.etcd.local->image_tag = "3.6.8-0";
  in.cluster_config.dns.disabled = true;
  in.cluster_config.proxy.disabled = true;  // apply skips both: the plan lists neither
  auto plan = compute_plan(in).value();
  EXPECT_TRUE(plan.kubelets.empty());
  EXPECT_TRUE(std::ranges::none_of(plan.automatic, [](auto& c) { return c.name == "CoreDNS"; }));
  EXPECT_TRUE(std::ranges::none_of(plan.automatic, [](auto& c) { return c.name == "kube-proxy"; }));
  auto etcd = std::ranges::find_if(plan.automatic, [](auto& c) { return c.name == "etcd"; });
  ASSERT_NE(etcd, plan.automatic.end());
  EXPECT_EQ(etcd->target, "3.6.8-0");
}

TEST(UpgradePlan, RefusesToSkipAMinorAndSaysWhy) {
  test::FakeApiServer api;
  put_cluster(api, "v1.35.4", {{"cp1", "v1.35.4"}});
  auto implicit = compute_plan(inputs(api)).value();
  EXPECT_NE(implicit.refusal.find("2 minor versions above the cluster's v1.35.4"),
            std::string::npos)
      << implicit.refusal;
  EXPECT_NE(implicit.refusal.find("kadm upgrade plan v1.36.<patch>"), std::string::npos);
  auto expl = compute_plan(inputs(api, "v1.37.2")).value();
  EXPECT_NE(expl.refusal.find("is too high"), std::string::npos);
  EXPECT_FALSE(plan_json(expl).contains("availableUpgrades"));
  auto ok = compute_plan(inputs(api, "v1.36.3")).value();
  EXPECT_TRUE(ok.refusal.empty());
  EXPECT_EQ(ok.automatic.back().target, "3.6.8-0");
}

TEST(UpgradePlan, UpToDateClusterHasNothingToDo) {
  test::FakeApiServer api;
  put_cluster(api, "v1.37.2", {{"cp1", "v1.37.2"}});
  api.put(
      "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd%2Ctier%3Dcontrol-plane",
      {{"items", json::array({pod("cp1", "r/etcd:3.7.0-0")})}});
  api.put("/apis/apps/v1/namespaces/kube-system/deployments/coredns",
          {{"spec",
            {{"template",
              {{"spec", {{"containers", json::array({{{"image", "r/coredns:v1.14.6"}}})}}}}}}}});
  auto plan = compute_plan(inputs(api)).value();
  EXPECT_TRUE(plan.up_to_date);
  EXPECT_FALSE(plan_json(plan).contains("availableUpgrades"));
}

TEST(UpgradePlan, ImageTags) {
  EXPECT_EQ(image_tag("10.213.0.2:5000/k8s/kube-apiserver:v1.36.3"), "v1.36.3");
  EXPECT_EQ(image_tag("r/kube-apiserver:v1.36.3_abc"), "v1.36.3+abc");
  EXPECT_EQ(image_tag("10.213.0.2:5000/k8s/etcd"), "");
}

TEST(TabWriter, MatchesGoTabwriterWithKubeadmsSettings) {
  TabWriter t;
  t.row({"COMPONENT", "NODE", "CURRENT", "TARGET"});
  t.row({"kubelet", "ctrl-01", "v1.33.7", "v1.34.3"});
  EXPECT_EQ(t.str(),
            "COMPONENT   NODE      CURRENT   TARGET\n"
            "kubelet     ctrl-01   v1.33.7   v1.34.3\n");
}

// --- diff -----------------------------------------------------------------------------------

TEST(UnifiedDiff, HunksWithContextLikeDiffU) {
  std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
  std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n";
  EXPECT_EQ(unified_diff(a, b, "old.yaml", "new manifest"),
            "--- old.yaml\n+++ new manifest\n"
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
            "@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n");
  EXPECT_EQ(unified_diff(a, a, "x", "y"), "");
  EXPECT_EQ(unified_diff("a\n", "b\n", "x", "y", 0), "--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\n");
}

// --- node files -------------------------------------------------------------------------------

TEST(UpgradeNodeFiles, SamePodIgnoresFormatting) {
  EXPECT_TRUE(same_pod("a: 1\nb: [x, y]\n", "b:\n- x\n- y\na: 1\n"));
  EXPECT_FALSE(same_pod("a: 1\n", "a: 2\n"));
  EXPECT_FALSE(same_pod("a: [", "a: ["));
}

TEST(UpgradeNodeFiles, EtcdTagsCompareAsVersions) {
  EXPECT_LT(compare_etcd_tags("3.6.8-0", "3.7.0-0"), 0);
  EXPECT_GT(compare_etcd_tags("3.6.10-0", "3.6.8-0"), 0);
  EXPECT_GT(compare_etcd_tags("3.6.8-1", "3.6.8-0"), 0);
  EXPECT_EQ(compare_etcd_tags("3.6.8-0", "3.6.8-0"), 0);
}

TEST(UpgradeNodeFiles, FlagsEnvDropsTheSandboxImageAndMovesTheEndpoint) {
  std::string moved;
  EXPECT_EQ(
      upgraded_flags_env("KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/"
                         "c.sock --pod-infra-container-image=r/pause:3.10.1 --node-ip=1.2.3.4\"\n",
                         true, moved),
      "KUBELET_KUBEADM_ARGS=\"--node-ip=1.2.3.4\"\n");
  EXPECT_EQ(moved, "unix:///run/c.sock");
  EXPECT_EQ(upgraded_flags_env("KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///x\"\n",
                               false, moved),
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///x\"\n");
  EXPECT_EQ(moved, "");
}

config::InitConfiguration cp1_with_local_etcd() {
  config::ClusterConfiguration c;
  c.etcd.local = config::LocalEtcd{};
  NodeIdentity id{"cp1", "10.0.0.1", 6443, "unix:///run/containerd/containerd.sock"};
  return node_configuration(c, v("v1.37.2"), id, "", "");
}

TEST(UpgradeNodeFiles, ManifestsComeInKubeadmsOrderFromInitsBuilders) {
  const auto cfg = cp1_with_local_etcd();
  test::PathsHost host;
  test::TempDir none;
  auto with_etcd = new_manifests(cfg, nullptr, true, host, none.path()).value();
  std::vector<std::string> order;
  for (const auto& m : with_etcd) order.push_back(m.component);
  EXPECT_EQ(order, (std::vector<std::string>{"etcd", "kube-apiserver", "kube-controller-manager",
                                             "kube-scheduler"}));
  EXPECT_EQ(manifest_image_tag(with_etcd[1].yaml), "v1.37.2");
  EXPECT_EQ(manifest_image_tag(with_etcd[0].yaml), "3.7.0-0");
  EXPECT_NE(with_etcd[1].yaml.find("--advertise-address=10.0.0.1"), std::string::npos);
  EXPECT_EQ(new_manifests(cfg, nullptr, false, host, none.path()).value().size(), 3u);
  EXPECT_EQ(with_etcd[0].yaml.find("runAsUser"), std::string::npos);
}

// A cis profile's etcd runs as the etcd user; the upgraded manifest keeps it so.
TEST(UpgradeNodeFiles, EtcdKeepsTheUserItsCurrentManifestRunsItAs) {
  const auto cfg = cp1_with_local_etcd();
  test::PathsHost host;
  test::TempDir dir;
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "etcd.yaml",
                                    "apiVersion: v1\nkind: Pod\nspec:\n  securityContext:\n"
                                    "    runAsGroup: 106\n    runAsNonRoot: true\n"
                                    "    runAsUser: 103\n",
                                    0600));
  auto out = new_manifests(cfg, nullptr, true, host, dir.path()).value();
  ASSERT_EQ(out[0].component, "etcd");
  EXPECT_NE(out[0].yaml.find("runAsUser: 103"), std::string::npos);
  EXPECT_NE(out[0].yaml.find("runAsGroup: 106"), std::string::npos);
  EXPECT_NE(out[0].yaml.find("--cert-file=/etc/kubernetes/etcd-tls/server.crt"), std::string::npos);
}

}  // namespace
}  // namespace kadm::upgrade
