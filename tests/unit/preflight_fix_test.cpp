#include <gtest/gtest.h>

#include <sstream>

#include "lib/files_only_effects.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "preflight/checks.h"
#include "preflight/diff.h"
#include "preflight/fix.h"
#include "preflight/preflight.h"

using namespace kadm;
using namespace kadm::preflight;

namespace {

std::vector<Check> fixable_checks() {
  std::vector<Check> c = {swap(config::KubeVersion{1, 35, 0, ""}), swap_fstab(), selinux(),
                          bridge_netfilter()};
  for (const auto& key : required_sysctls()) c.push_back(sysctl(key));
  c.push_back(file_content("/proc/sys/net/ipv4/ip_forward", "1", "net.ipv4.ip_forward"));
  return c;
}

// Live state already right; only persisted files are wrong.
void persisted_problems(test::FixtureHost& h) {
  h.write("/proc/swaps", "Filename Type Size Used Priority\n");
  h.write("/etc/fstab", "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n");
  h.write("/etc/selinux/config", "# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
  h.write("/sys/fs/selinux/enforce", "0");
  h.write("/proc/modules", "br_netfilter 32768 0 - Live 0x0\n");
  for (auto p :
       {"/proc/sys/net/bridge/bridge-nf-call-iptables",
        "/proc/sys/net/bridge/bridge-nf-call-ip6tables", "/proc/sys/net/ipv4/ip_forward"}) {
    h.write(p, "1\n");
  }
}

}  // namespace

TEST(Diff, UnifiedLineDiff) {
  EXPECT_EQ(unified_diff("/f", std::string("a\nb\n"), "a\nb\n"), "");
  EXPECT_EQ(unified_diff("/f", std::string("a\nb\nc\n"), "a\nB\nc\n"),
            "--- /f\n+++ /f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  EXPECT_EQ(unified_diff("/f", std::nullopt, "x\n"),
            "--- /dev/null\n+++ /f\n@@ -0,0 +1,1 @@\n+x\n");
}

TEST(Fix, WritesExpectedFilesWithBackupsThenChangesNothing) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  persisted_problems(host);
  test::FilesOnlyEffects effects;
  std::ostringstream out;
  auto report = fix_host(fixable_checks(), host, effects, {}, out, {"T1"});
  ASSERT_TRUE(report) << report.error().text();
  EXPECT_TRUE(report->changed_anything());
  EXPECT_TRUE(effects.commands.empty());
  EXPECT_EQ(host.read("/etc/fstab"),
            "UUID=1 / ext4 defaults 0 1\n# disabled by kadm (the kubelet needs swap off): "
            "/swapfile none swap sw 0 0\n");
  EXPECT_EQ(host.read("/etc/fstab.kadm-backup-T1"),
            "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n");
  EXPECT_EQ(host.read("/etc/selinux/config"),
            "# comment\nSELINUX=permissive\nSELINUXTYPE=targeted\n");
  EXPECT_EQ(host.read("/etc/modules-load.d/k8s.conf"), "br_netfilter\n");
  EXPECT_EQ(host.read("/etc/sysctl.d/k8s.conf"),
            "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n"
            "net.ipv4.ip_forward = 1\n");
  EXPECT_EQ(host.read("/etc/sysctl.d/k8s.conf.kadm-backup-T1"), "<missing>");  // new file
  EXPECT_NE(out.str().find("+# disabled by kadm"), std::string::npos);
  EXPECT_NE(out.str().find("[fix] SELinux: fixed"), std::string::npos);
  for (const auto& o : report->outcomes) EXPECT_EQ(o.result, "fixed") << o.check;

  test::FilesOnlyEffects again;
  std::ostringstream out2;
  auto second = fix_host(fixable_checks(), host, again, {}, out2, {"T2"});
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->changed_anything());
  EXPECT_TRUE(again.actions.empty());
  EXPECT_NE(out2.str().find("Nothing to change"), std::string::npos);
}

TEST(Fix, LiveStateBecomesCommandsOnceEach) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  persisted_problems(host);
  host.write("/proc/swaps", "Filename Type Size Used Priority\n/swapfile file 1 0 -2\n");
  host.write("/sys/fs/selinux/enforce", "1");
  host.write("/proc/modules", "");
  host.write("/proc/sys/net/ipv4/ip_forward", "0\n");
  std::filesystem::remove_all(host.real_path("/proc/sys/net/bridge"));
  test::FilesOnlyEffects effects;
  std::ostringstream out;
  auto report = fix_host(fixable_checks(), host, effects, {}, out, {"T"});
  ASSERT_TRUE(report);
  EXPECT_EQ(effects.commands,
            (std::vector<std::string>{"swapoff -a", "setenforce 0", "modprobe br_netfilter",
                                      "sysctl -w net.bridge.bridge-nf-call-iptables=1",
                                      "sysctl -w net.bridge.bridge-nf-call-ip6tables=1",
                                      "sysctl -w net.ipv4.ip_forward=1"}));
  // The live state did not change (commands were only recorded), and the report says so.
  EXPECT_NE(out.str().find("[fix] Swap: still failing"), std::string::npos);
}

TEST(Fix, IgnoredChecksAreLeftAlone) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  persisted_problems(host);
  test::FilesOnlyEffects effects;
  std::ostringstream out, sink;
  auto ignore = parse_ignore_list({"SELinux"}, sink);
  ASSERT_TRUE(fix_host(fixable_checks(), host, effects, *ignore, out, {"T"}));
  EXPECT_EQ(host.read("/etc/selinux/config"),
            "# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
}

TEST(Fix, DryRunChangesNothing) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  persisted_problems(host);
  host.write("/proc/swaps", "Filename Type Size Used Priority\n/swapfile file 1 0 -2\n");
  plan::DryRunEffects effects;
  std::ostringstream out;
  auto report = fix_host(fixable_checks(), host, effects, {}, out, {"T"});
  ASSERT_TRUE(report);
  EXPECT_EQ(host.read("/etc/fstab"), "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n");
  EXPECT_EQ(host.read("/etc/sysctl.d/k8s.conf"), "<missing>");
  EXPECT_EQ(host.read("/etc/fstab.kadm-backup-T"), "<missing>");
  EXPECT_NE(out.str().find("run: swapoff -a"), std::string::npos);
  EXPECT_NE(out.str().find("dry run: nothing changed"), std::string::npos);
}

TEST(Fix, HostnameFollowsNodeName) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  host.write("/proc/sys/kernel/hostname", "old\n");
  host.write("/etc/hostname", "old\n");
  host.add_executable("hostnamectl");
  test::FilesOnlyEffects effects;
  std::ostringstream out;
  ASSERT_TRUE(fix_host({hostname("node-a", true)}, host, effects, {}, out, {"T"}));
  EXPECT_EQ(effects.commands, std::vector<std::string>{"hostnamectl set-hostname node-a"});
  EXPECT_EQ(host.read("/etc/hostname"), "node-a\n");
}

TEST(Preflight, InitWithFixRunsChecksAfterFixing) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  persisted_problems(host);
  config::InitConfiguration cfg;
  cfg.cluster.kubernetes_version = "v1.35.0";
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  test::FilesOnlyEffects effects;
  std::ostringstream out;
  PreflightOptions options;
  options.fix = true;
  options.out = &out;
  options.fix_options.backup_suffix = "T";
  options.ignore_errors = {"all"};
  auto outcome = preflight_init(cfg, host, effects, options);
  EXPECT_TRUE(outcome.status) << out.str();
  EXPECT_TRUE(outcome.fix.changed_anything());
  EXPECT_EQ(out.str().find("[WARNING SELinux]"), std::string::npos);
  EXPECT_NE(out.str().find("[preflight] Running pre-flight checks"), std::string::npos);
  options.ignore_errors = {"all", "Swap"};
  auto bad = preflight_init(cfg, host, effects, options);
  ASSERT_FALSE(bad.status);
  EXPECT_EQ(bad.status.error().kind(), ErrorKind::Validation);
}
