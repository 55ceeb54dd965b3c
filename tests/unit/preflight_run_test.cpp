#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/yaml_json.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "preflight/run_checks.h"

using namespace kadm;
using namespace kadm::preflight;

namespace {

Check fixed(std::string name, std::vector<std::string> warnings, std::vector<std::string> errors,
            int* calls = nullptr) {
  return Check{std::move(name), Severity::Error,
               [=](const host::Host&) {
                 if (calls) ++*calls;
                 return Findings{warnings, errors};
               },
               std::nullopt, "do the thing"};
}

IgnoreSet ignore(std::vector<std::string> values) {
  std::ostringstream sink;
  return *parse_ignore_list(values, sink);
}

}  // namespace

TEST(RunChecks, KubeadmOutputShape) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  std::vector<Check> checks = {fixed("IsPrivilegedUser", {}, {}), fixed("Swap", {"swap is on"}, {}),
                               fixed("Port-6443", {}, {"Port 6443 is in use"}),
                               fixed("NumCPU", {}, {"too few"})};
  std::ostringstream out;
  auto report = run_checks(checks, host, {}, out);
  EXPECT_EQ(out.str(),
            "[preflight] Running pre-flight checks\n"
            "\t[WARNING Swap]: swap is on\n"
            "[preflight] Some fatal errors occurred:\n"
            "\t[ERROR Port-6443]: Port 6443 is in use\n"
            "\t[ERROR NumCPU]: too few\n"
            "[preflight] If you know what you are doing, you can make a check non-fatal with "
            "`--ignore-preflight-errors=...`\n");
  EXPECT_TRUE(report.fatal);
  auto status = to_status(report);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind(), ErrorKind::Preflight);
  EXPECT_EQ(status.error().text(), "preflight checks failed");
}

TEST(RunChecks, IgnoreTurnsExactlyNamedErrorsIntoWarnings) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  std::vector<Check> checks = {fixed("Port-6443", {}, {"Port 6443 is in use"}),
                               fixed("NumCPU", {}, {"too few"})};
  std::ostringstream out;
  auto report = run_checks(checks, host, ignore({"port-6443"}), out);
  EXPECT_NE(out.str().find("\t[WARNING Port-6443]: Port 6443 is in use\n"), std::string::npos);
  EXPECT_NE(out.str().find("\t[ERROR NumCPU]: too few\n"), std::string::npos);
  EXPECT_TRUE(report.fatal);
  std::ostringstream out2;
  auto both = run_checks(checks, host, ignore({"Port-6443,NUMCPU"}), out2);
  EXPECT_FALSE(both.fatal);
  EXPECT_EQ(out2.str().find("[ERROR"), std::string::npos);
  std::ostringstream out3;
  EXPECT_FALSE(run_checks(checks, host, ignore({"all"}), out3).fatal);
}

TEST(RunChecks, IgnoreListValidation) {
  std::ostringstream out;
  auto mixed = parse_ignore_list({"all,Swap"}, out);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().kind(), ErrorKind::Validation);
  auto unknown = parse_ignore_list({"NoSuchCheck", "ImagePull", "Port-1234"}, out);
  ASSERT_TRUE(unknown);
  EXPECT_NE(out.str().find("\"NoSuchCheck\""), std::string::npos);
  EXPECT_EQ(out.str().find("ImagePull"), std::string::npos);
  EXPECT_EQ(out.str().find("Port-1234"), std::string::npos);
  EXPECT_TRUE(unknown->ignores("nosuchcheck"));
}

TEST(RunChecks, RootCheckRunsFirstAndAlone) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  int others = 0;
  std::vector<Check> checks = {fixed("NumCPU", {}, {}, &others),
                               fixed("IsPrivilegedUser", {}, {"user is not running as root"})};
  std::ostringstream out;
  auto report = run_checks(checks, host, {}, out);
  EXPECT_EQ(others, 0);
  EXPECT_TRUE(report.fatal);
  EXPECT_EQ(out.str().rfind("[preflight] Some fatal errors occurred:\n"
                            "\t[ERROR IsPrivilegedUser]: user is not running as root\n",
                            0),
            0u);
  std::ostringstream out2;
  run_checks(checks, host, ignore({"IsPrivilegedUser"}), out2);
  EXPECT_EQ(others, 1);
}

// Most checks wait on a process or a socket: they run side by side, and their lines still come
// in the set's order.
TEST(RunChecks, ChecksRunSideBySideAndPrintInTheSetsOrder) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  std::promise<void> second_started;
  auto started = second_started.get_future().share();
  // The first check finishes only once the second has begun: run one after the other, it would
  // give up after 10 s and report an error.
  Check waits{"FirstWaits", Severity::Error,
              [started](const host::Host&) {
                if (started.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
                  return Findings{{}, {"the second check never started"}};
                }
                return Findings{{"first"}, {}};
              },
              std::nullopt, ""};
  Check signals{"SecondSignals", Severity::Error,
                [&second_started](const host::Host&) {
                  second_started.set_value();
                  return Findings{{"second"}, {}};
                },
                std::nullopt, ""};
  std::ostringstream out;
  auto report = run_checks({waits, signals}, host, {}, out);
  EXPECT_FALSE(report.fatal) << out.str();
  EXPECT_EQ(out.str(),
            "[preflight] Running pre-flight checks\n"
            "\t[WARNING FirstWaits]: first\n"
            "\t[WARNING SecondSignals]: second\n");
}

TEST(RunChecks, ACheckThatThrowsIsAnErrorNotACrash) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  Check throws{"Throws", Severity::Error,
               [](const host::Host&) -> Findings { throw std::runtime_error("boom"); },
               std::nullopt, ""};
  std::ostringstream out;
  auto report = run_checks({throws, fixed("Mem", {}, {})}, host, {}, out);
  EXPECT_TRUE(report.fatal);
  EXPECT_NE(out.str().find("[ERROR Throws]: the check could not run: boom"), std::string::npos)
      << out.str();
}

TEST(RunChecks, MachineReadableReport) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  std::ostringstream out;
  auto report =
      run_checks({fixed("Swap", {"swap is on"}, {}), fixed("Mem", {}, {})}, host, {}, out);
  auto doc = nlohmann::json::parse(report_json(report));
  ASSERT_EQ(doc["checks"].size(), 2u);
  EXPECT_EQ(doc["checks"][0]["check"], "Swap");
  EXPECT_EQ(doc["checks"][0]["severity"], "warning");
  EXPECT_EQ(doc["checks"][0]["message"], "swap is on");
  EXPECT_EQ(doc["checks"][0]["fix"], "do the thing");
  EXPECT_EQ(doc["checks"][1]["severity"], "ok");
  EXPECT_EQ(doc["fatal"], false);
  auto yaml = report_yaml(report);
  EXPECT_NE(yaml.find("check: Swap"), std::string::npos);
  EXPECT_NE(yaml.find("severity: warning"), std::string::npos);
  // The YAML report is the JSON one.
  EXPECT_EQ(yaml_to_json(YAML::Load(yaml)), doc) << yaml;
  EXPECT_EQ(yaml_to_json(YAML::Load(report_yaml(Report{}))),
            nlohmann::json::parse(report_json(Report{})));
}
