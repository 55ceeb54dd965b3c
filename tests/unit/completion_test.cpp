#include <gtest/gtest.h>

#include "cli/completion.h"

namespace kadm::cli {
namespace {

struct Sample {
  CLI::App app{"test", "kadm"};
  int verbosity = 0;
  std::string config;
  bool dry_run = false;
  Sample() {
    app.add_option("-v,--v", verbosity, "verbosity");
    auto* init = app.add_subcommand("init", "init");
    init->add_option("--config", config, "config file");
    init->add_flag("--dry-run", dry_run, "dry run");
    auto* phase = init->add_subcommand("phase", "phases");
    phase->add_subcommand("preflight", "checks");
    phase->add_subcommand("secret", "hidden")->group("");
    auto* token = app.add_subcommand("token", "tokens");
    token->add_subcommand("create", "create")->alias("new");
  }
};

TEST(BashCompletion, ListsSubcommandsAndOptionsPerCommandPath) {
  Sample sample;
  const CLI::App& app = sample.app;
  std::string s = bash_completion(app);
  EXPECT_NE(s.find("\"kadm init\") words=\"phase --help -h --config --dry-run\""),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\"kadm token\") words=\"create --help -h\""), std::string::npos) << s;
  EXPECT_NE(s.find("complete -F _kadm_complete kadm\n"), std::string::npos);
}

TEST(BashCompletion, HiddenCommandsAreWalkedButNotOffered) {
  Sample sample;
  const CLI::App& app = sample.app;
  std::string s = bash_completion(app);
  EXPECT_NE(s.find("\"kadm init phase\") words=\"preflight --help -h\""), std::string::npos) << s;
  EXPECT_NE(s.find("\"kadm init phase secret\""), std::string::npos);
  EXPECT_NE(s.find("\"kadm token new\")"), std::string::npos) << "aliases complete too";
}

TEST(BashCompletion, ValueOptionsSkipTheirArgumentFlagsDoNot) {
  Sample sample;
  const CLI::App& app = sample.app;
  std::string s = bash_completion(app);
  auto line = s.substr(s.find("      --"), s.find(") ((i++))") - s.find("      --"));
  EXPECT_NE(line.find("--config"), std::string::npos) << line;
  EXPECT_NE(line.find("--v"), std::string::npos) << line;
  EXPECT_EQ(line.find("--dry-run"), std::string::npos) << line;
  EXPECT_EQ(line.find("--help"), std::string::npos) << line;
}

TEST(ZshCompletion, WrapsTheBashScriptWithBashcompinit) {
  Sample sample;
  const CLI::App& app = sample.app;
  std::string s = zsh_completion(app);
  EXPECT_EQ(s.rfind("#compdef kadm\n", 0), 0u);
  EXPECT_NE(s.find("bashcompinit"), std::string::npos);
  EXPECT_NE(s.find(bash_completion(app)), std::string::npos);
}

}  // namespace
}  // namespace kadm::cli
