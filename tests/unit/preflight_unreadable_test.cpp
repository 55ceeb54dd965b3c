// Host files that exist but cannot be read are reported as findings, never crash a run.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "preflight/checks.h"
#include "preflight/run_checks.h"

using namespace kadm;
using namespace kadm::preflight;

TEST(Unreadable, ProcSwapsIsReportedNotTakenAsNoSwap) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  config::KubeVersion target{1, 37, 0, ""};
  EXPECT_TRUE(swap(target).run(host).ok());  // missing: a kernel without swap
  // A directory where the file should be: it exists, and reading it fails (even as root).
  std::filesystem::create_directories(host.real_path("/proc/swaps"));
  auto f = swap(target).run(host);
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("cannot read /proc/swaps"), std::string::npos) << f.warnings[0];
}

TEST(Unreadable, WholeRunReportsEveryUnreadableProcFile) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  for (auto p : {"/proc/swaps", "/proc/sys/net/ipv4/ip_forward"}) {
    std::filesystem::create_directories(host.real_path(p));
  }
  std::vector<Check> checks = {
      swap(config::KubeVersion{1, 37, 0, ""}),
      file_content("/proc/sys/net/ipv4/ip_forward", "1", "net.ipv4.ip_forward"),
      sysctl("net.ipv4.ip_forward")};
  std::ostringstream out;
  auto report = run_checks(checks, host, {}, out);
  EXPECT_NE(out.str().find("[WARNING Swap]: cannot read /proc/swaps"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("[ERROR FileContent--proc-sys-net-ipv4-ip_forward]"), std::string::npos)
      << out.str();
  EXPECT_TRUE(report.fatal);
}
