#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "common/time_format.h"
#include "lib/log_capture.h"
#include "output/progress.h"
#include "output/wait_progress.h"
#include "workflow/runner.h"

namespace kadm::output {
namespace {

using nlohmann::json;

std::vector<json> lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

SystemTimePoint fixed_time() { return SystemTimePoint(std::chrono::seconds(1700000000)); }

TEST(ProgressWriter, PhaseEventsCarryNameTimeAndDuration) {
  std::ostringstream out;
  ProgressWriter w(out, fixed_time);
  w.phase_started("certs/ca");
  w.phase_finished("certs/ca", std::chrono::milliseconds(42));
  auto ev = lines(out.str());
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(
      ev[0],
      (json{{"event", "phase-started"}, {"phase", "certs/ca"}, {"time", "2023-11-14T22:13:20Z"}}));
  EXPECT_EQ(ev[1], (json{{"event", "phase-finished"}, {"phase", "certs/ca"}, {"durationMs", 42}}));
}

TEST(ProgressWriter, ResultKeepsFieldsAfterTheEventName) {
  std::ostringstream out;
  ProgressWriter w(out);
  nlohmann::ordered_json f;
  f["token"] = "abcdef.0123456789abcdef";
  f["caCertHashes"] = {"sha256:00"};
  w.result(f);
  EXPECT_EQ(out.str(),
            "{\"event\":\"result\",\"token\":\"abcdef.0123456789abcdef\",\"caCertHashes\":"
            "[\"sha256:00\"]}\n");
}

TEST(ProgressWriter, ErrorNamesTheFailedPhaseAndExitCode) {
  std::ostringstream out;
  ProgressWriter w(out);
  workflow::Phase<int> ok;
  ok.name = "ok";
  ok.run = [](int&) -> Status { return {}; };
  workflow::Phase<int> broken;
  broken.name = "broken";
  broken.run = [](int&) -> Status { return fail("disk full"); };
  workflow::Workflow<int> wf({ok, broken});
  int data = 0;
  auto s = wf.run(
      {}, [&]() -> Result<int*> { return &data; }, w.observer());
  ASSERT_FALSE(s);
  w.error(s.error(), 3);
  auto ev = lines(out.str());
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0]["event"], "phase-started");
  EXPECT_EQ(ev[1]["event"], "phase-finished");
  EXPECT_EQ(ev[2],
            (json{{"event", "phase-started"}, {"phase", "broken"}, {"time", ev[2]["time"]}}));
  EXPECT_EQ(ev[3]["event"], "error");
  EXPECT_EQ(ev[3]["phase"], "broken");
  EXPECT_EQ(ev[3]["exitCode"], 3);
  EXPECT_NE(ev[3]["message"].get<std::string>().find("disk full"), std::string::npos);
}

TEST(ProgressWriter, WarningsOfTheLoggerBecomeEventsWhileCaptured) {
  test::LogCapture human;
  std::ostringstream out;
  {
    ProgressWriter w(out);
    w.capture_warnings();
    spdlog::info("[certs] not a warning");
    spdlog::warn("swap is on");
  }
  spdlog::warn("after the writer is gone");
  auto ev = lines(out.str());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0], (json{{"event", "warning"}, {"message", "swap is on"}}));
}

TEST(ProgressWriter, InvalidUtf8DoesNotBreakTheStream) {
  std::ostringstream out;
  ProgressWriter w(out);
  w.warning(std::string("bad \xff byte"));
  EXPECT_NO_THROW(lines(out.str()));
}

TEST(WaitProgress, PlainLinesOnlyEveryInterval) {
  test::LogCapture log;
  WaitProgress p("[control-plane-check]",
                 WaitProgressOptions{false, nullptr, std::chrono::seconds(10)});
  for (int s = 0; s <= 25; ++s) p.update(std::chrono::seconds(s), "kube-apiserver");
  EXPECT_EQ(log.str(),
            "[control-plane-check] Waiting for kube-apiserver (10s elapsed)\n"
            "[control-plane-check] Waiting for kube-apiserver (20s elapsed)\n");
}

TEST(WaitProgress, TerminalLineIsRewrittenAndCleared) {
  test::LogCapture log;
  std::ostringstream term;
  {
    WaitProgress p("[x]", WaitProgressOptions{true, &term, std::chrono::seconds(10)});
    p.update(std::chrono::seconds(1), "a, b");
    p.update(std::chrono::seconds(2), "b");
  }
  EXPECT_EQ(
      term.str(),
      "\r[x] Waiting for a, b (1s elapsed)\033[K\r[x] Waiting for b (2s elapsed)\033[K\r\033[K");
  EXPECT_EQ(log.str(), "");
}

}  // namespace
}  // namespace kadm::output
