// The command line's exit codes (README "Exit codes") and the guard that keeps a library
// exception from crashing the process.

#include "cmd/exit_code.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace kadm::cli {
namespace {

// Parses `args` as main() does and returns the process exit code it would use.
int parse_exit_code(std::vector<std::string> args) {
  CLI::App app{"test", "kadm"};
  app.require_subcommand(1);
  auto* token = app.add_subcommand("token", "tokens");
  int ttl = 0;
  std::string name;
  token->add_option("--ttl", ttl, "a number");
  token->add_option("--name", name, "a name")->required();
  std::vector<const char*> argv{"kadm"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    return exit_code_for_parse(app.exit(e, out, err));
  }
  return 0;
}

// The README promises 3 for invalid flags; CLI11's own codes (105–109) must not leak out.
TEST(ExitCode, InvalidCommandLinesExitThree) {
  EXPECT_EQ(parse_exit_code({"token", "--name", "n", "--bogus"}), 3);     // unknown flag
  EXPECT_EQ(parse_exit_code({"token", "--name", "n", "--ttl", "x"}), 3);  // bad value
  EXPECT_EQ(parse_exit_code({"token"}), 3);                               // missing required
  EXPECT_EQ(parse_exit_code({"token", "--name"}), 3);                     // missing value
  EXPECT_EQ(parse_exit_code({}), 3);                                      // no subcommand
  EXPECT_EQ(parse_exit_code({"nope"}), 3);                                // unknown command
  EXPECT_EQ(parse_exit_code({"--help"}), 0);
  EXPECT_EQ(parse_exit_code({"token", "--help"}), 0);
  EXPECT_EQ(parse_exit_code({"token", "--name", "n"}), 0);
}

TEST(ExitCode, KindsMapToTheDocumentedCodes) {
  EXPECT_EQ(exit_code_for(Error(ErrorKind::Preflight, "x")), 2);
  EXPECT_EQ(exit_code_for(Error(ErrorKind::Validation, "x")), 3);
  EXPECT_EQ(exit_code_for(Error(ErrorKind::Io, "x")), 1);
  EXPECT_EQ(exit_code_for(Error(ErrorKind::Api, "x")), 1);
}

// An exception that escaped every module becomes an error with a message and exit code 1.
TEST(ExitCode, EscapedExceptionsBecomeErrors) {
  auto out_of_range = run_guarded([]() -> Status {
    std::string empty;
    (void)empty.substr(7);  // what PinSet::check_any once did with an empty pin
    return {};
  });
  ASSERT_FALSE(out_of_range);
  EXPECT_EQ(exit_code_for(out_of_range.error()), 1);
  EXPECT_NE(out_of_range.error().text().find("internal error"), std::string::npos);
  EXPECT_NE(out_of_range.error().text().find("substr"), std::string::npos)
      << out_of_range.error().text();

  auto filesystem = run_guarded([]() -> Status {
    std::filesystem::directory_iterator it("/nonexistent/kadm-test-dir");
    return {};
  });
  ASSERT_FALSE(filesystem);
  EXPECT_EQ(filesystem.error().kind(), ErrorKind::Io);
  EXPECT_NE(filesystem.error().text().find("/nonexistent/kadm-test-dir"), std::string::npos)
      << filesystem.error().text();

  auto unknown = run_guarded([]() -> Status { throw 42; });
  ASSERT_FALSE(unknown);
  EXPECT_EQ(exit_code_for(unknown.error()), 1);

  // Results pass through unchanged.
  EXPECT_TRUE(run_guarded([]() -> Status { return {}; }));
  auto refused = run_guarded([]() -> Status { return fail(ErrorKind::Preflight, "no"); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(exit_code_for(refused.error()), 2);
}

}  // namespace
}  // namespace kadm::cli
