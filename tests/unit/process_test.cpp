// run_process: output capture, stdin, deadline, and programs that leave helpers behind.

#include "common/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace kadm {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

TEST(Process, CapturesStdoutAndStderrAndTheExitCode) {
  auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->output, "out\nerr\n");
  auto missing = run_process({"kadm-no-such-program-xyz"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text().find("cannot execute kadm-no-such-program-xyz"),
            std::string::npos)
      << missing.error().text();
}

// The child reads /dev/null, never kadm's own stdin (a terminal, or input meant for kadm).
TEST(Process, ChildDoesNotInheritStdin) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::write(p[1], "parent input\n", 13), 13);
  ::close(p[1]);
  int saved = ::dup(0);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(p[0], 0), 0);
  ::close(p[0]);
  ProcessOptions o;
  o.timeout = 5s;
  auto r = run_process({"cat"}, o);
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output, "");
}

TEST(Process, ProgramOutlivingItsDeadlineIsKilled) {
  ProcessOptions o;
  o.timeout = 300ms;
  const auto start = SteadyClock::now();
  auto r = run_process({"sleep", "30"}, o);
  const auto took = SteadyClock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(r.error().text().find("\"sleep\" did not finish within 300ms"), std::string::npos)
      << r.error().text();
  EXPECT_LT(took, 3s);
}

// A program that starts a helper and exits is done, even though the helper still holds the
// output pipe (as `systemctl` or a shell script that backgrounds something may do).
TEST(Process, EndsWithTheProgramNotWithWhatItLeftRunning) {
  const auto start = SteadyClock::now();
  auto r = run_process({"sh", "-c", "sleep 5 & echo started"});
  const auto took = SteadyClock::now() - start;
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output, "started\n");
  EXPECT_LT(took, 3s);
}

TEST(Process, LargeOutputIsReadWhileTheProgramRuns) {
  // More than a pipe buffer holds: the program would block forever if nobody read.
  auto r = run_process({"sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->output.size(), 300000u);
}

}  // namespace
}  // namespace kadm
