#include <gtest/gtest.h>

#include "workflow/runner.h"

using namespace kadm;
using namespace kadm::workflow;

namespace {

struct Data {
  std::vector<std::string> ran;
};

Phase<Data> leaf(const std::string& name) {
  Phase<Data> p;
  p.name = name;
  p.run = [name](Data& d) -> Status {
    d.ran.push_back(name);
    return {};
  };
  return p;
}

Phase<Data> group(const std::string& name, std::vector<Phase<Data>> children, bool with_all) {
  Phase<Data> p;
  p.name = name;
  if (with_all) {
    Phase<Data> all;
    all.name = "all";
    all.run_all_siblings = true;
    children.insert(children.begin(), all);
  }
  p.children = std::move(children);
  return p;
}

std::vector<Phase<Data>> tree() {
  return {leaf("preflight"), group("certs", {leaf("ca"), leaf("apiserver"), leaf("sa")}, true),
          group("kubeconfig", {leaf("admin"), leaf("kubelet")}, true), leaf("show-join-command")};
}

std::vector<std::string> run(const SelectOptions& o) {
  Workflow<Data> wf(tree());
  Data d;
  auto s = wf.run(o, [&]() -> Result<Data*> { return &d; });
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().text());
  return d.ran;
}

}  // namespace

struct SelectCase {
  std::string name;
  SelectOptions options;
  std::vector<std::string> ran;
};

// Names the case in test listings instead of dumping its bytes.
void PrintTo(const SelectCase& c, std::ostream* os) { *os << c.name; }

class WorkflowSelection : public ::testing::TestWithParam<SelectCase> {};

TEST_P(WorkflowSelection, RunsExactlyTheSelectedPhases) {
  EXPECT_EQ(run(GetParam().options), GetParam().ran);
}

INSTANTIATE_TEST_SUITE_P(
    Table, WorkflowSelection,
    ::testing::Values(
        SelectCase{"everything",
                   {},
                   {"preflight", "ca", "apiserver", "sa", "admin", "kubelet", "show-join-command"}},
        SelectCase{"filter_subtree", {{"certs"}, {}}, {"ca", "apiserver", "sa"}},
        SelectCase{"filter_leaf", {{"certs/apiserver"}, {}}, {"apiserver"}},
        SelectCase{"filter_all_entry", {{"certs/all"}, {}}, {"ca", "apiserver", "sa"}},
        SelectCase{
            "two_filters", {{"kubeconfig", "preflight"}, {}}, {"preflight", "admin", "kubelet"}},
        SelectCase{"skip_subtree",
                   {{}, {"certs"}},
                   {"preflight", "admin", "kubelet", "show-join-command"}},
        SelectCase{"skip_leaf",
                   {{}, {"certs/sa", "preflight"}},
                   {"ca", "apiserver", "admin", "kubelet", "show-join-command"}},
        SelectCase{"skip_wins_over_filter", {{"certs"}, {"certs/ca"}}, {"apiserver", "sa"}},
        SelectCase{"skip_parent_of_filter", {{"certs/ca"}, {"certs"}}, {}},
        SelectCase{"upper_case_names", {{"CERTS/CA"}, {}}, {"ca"}}),
    [](const auto& p) { return p.param.name; });

TEST(Workflow, UnknownPhaseSuggests) {
  Workflow<Data> wf(tree());
  auto r = wf.select({{}, {"cert"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  EXPECT_NE(r.error().text().find("did you mean \"certs\""), std::string::npos) << r.error().text();
  // A word that shares nothing with any phase gets no suggestion ("sa" is 3 edits from "zzz").
  auto none = wf.select({{}, {"zzz"}});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().text().find("did you mean"), std::string::npos) << none.error().text();
  auto r2 = wf.select({{"certs/apiservr"}, {}});
  ASSERT_FALSE(r2.has_value());
  EXPECT_NE(r2.error().text().find("certs/apiserver"), std::string::npos);
}

TEST(Workflow, ErrorsNameThePhaseAndStopTheRun) {
  auto phases = tree();
  phases[1].children[2].run = [](Data&) -> Status { return fail("boom"); };
  Workflow<Data> wf(std::move(phases));
  Data d;
  auto s = wf.run({}, [&]() -> Result<Data*> { return &d; });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().text(), "error execution phase certs/apiserver: boom");
  EXPECT_EQ(d.ran, (std::vector<std::string>{"preflight", "ca"}));
}

TEST(Workflow, RunIfCanSkipAPhase) {
  auto phases = tree();
  phases[0].run_if = [](Data&) -> Result<bool> { return false; };
  Workflow<Data> wf(std::move(phases));
  Data d;
  ASSERT_TRUE(
      wf.run({{"preflight", "show-join-command"}, {}}, [&]() -> Result<Data*> { return &d; }));
  EXPECT_EQ(d.ran, std::vector<std::string>{"show-join-command"});
}

TEST(Workflow, DataIsNotBuiltWhenNothingRuns) {
  Workflow<Data> wf(tree());
  bool built = false;
  Data d;
  ASSERT_TRUE(wf.run({{"certs"}, {"certs"}}, [&]() -> Result<Data*> {
    built = true;
    return &d;
  }));
  EXPECT_FALSE(built);
}

TEST(Workflow, HelpTreeShowsNesting) {
  Workflow<Data> wf(tree());
  std::string help = wf.help_tree();
  EXPECT_NE(help.find("certs"), std::string::npos);
  EXPECT_NE(help.find("  /apiserver"), std::string::npos);
}

// Start early: every selected phase's `prepare` runs once, in order, after the data is built and
// before the first phase runs; phases that are not selected (filtered or skipped) prepare
// nothing.
TEST(Workflow, PrepareRunsForSelectedPhasesBeforeTheFirstPhase) {
  auto phases = tree();
  auto prep = [](const std::string& name) {
    return [name](Data& d) { d.ran.push_back("prepare " + name); };
  };
  phases[0].prepare = prep("preflight");
  phases[1].children[2].prepare = prep("certs/apiserver");
  phases[1].children[3].prepare = prep("certs/sa");
  phases[2].children[1].prepare = prep("kubeconfig/admin");
  {
    Workflow<Data> wf(phases);
    Data d;
    ASSERT_TRUE(wf.run({{}, {"certs/sa"}}, [&]() -> Result<Data*> { return &d; }));
    EXPECT_EQ(d.ran, (std::vector<std::string>{
                         "prepare preflight", "prepare certs/apiserver", "prepare kubeconfig/admin",
                         "preflight", "ca", "apiserver", "admin", "kubelet", "show-join-command"}));
  }
  {
    Workflow<Data> wf(phases);
    Data d;
    ASSERT_TRUE(wf.run({{"certs"}, {}}, [&]() -> Result<Data*> { return &d; }));
    EXPECT_EQ(d.ran, (std::vector<std::string>{"prepare certs/apiserver", "prepare certs/sa", "ca",
                                               "apiserver", "sa"}));
  }
}

// A group's `finish` runs after the last phase of its subtree and before the next phase outside
// it, only when the group's own `run` ran; its failure is the group's and stops the run.
TEST(Workflow, FinishClosesAGroupAfterItsSubtree) {
  auto phases = tree();
  for (size_t g : {1u, 2u}) {
    phases[g].run = [name = phases[g].name](Data& d) -> Status {
      d.ran.push_back("begin " + name);
      return {};
    };
    phases[g].finish = [name = phases[g].name](Data& d) -> Status {
      d.ran.push_back("finish " + name);
      return {};
    };
  }
  {
    Workflow<Data> wf(phases);
    Data d;
    ASSERT_TRUE(wf.run({{}, {"certs/sa"}}, [&]() -> Result<Data*> { return &d; }));
    EXPECT_EQ(d.ran,
              (std::vector<std::string>{"preflight", "begin certs", "ca", "apiserver",
                                        "finish certs", "begin kubeconfig", "admin", "kubelet",
                                        "finish kubeconfig", "show-join-command"}));
  }
  {
    // One phase of the group alone: the group did not begin, so it does not finish.
    Workflow<Data> wf(phases);
    Data d;
    ASSERT_TRUE(
        wf.run({{"certs/apiserver", "kubeconfig"}, {}}, [&]() -> Result<Data*> { return &d; }));
    EXPECT_EQ(d.ran, (std::vector<std::string>{"apiserver", "begin kubeconfig", "admin", "kubelet",
                                               "finish kubeconfig"}));
  }
  {
    phases[1].finish = [](Data&) -> Status { return fail("disk full"); };
    Workflow<Data> wf(phases);
    Data d;
    auto s = wf.run({}, [&]() -> Result<Data*> { return &d; });
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().text(), "error execution phase certs: disk full");
    EXPECT_EQ(d.ran.back(), "sa");
  }
  {
    // A failure inside the group: the group never finishes.
    phases[1].children[2].run = [](Data&) -> Status { return fail("boom"); };
    phases[1].finish = [](Data& d) -> Status {
      d.ran.push_back("finish certs");
      return {};
    };
    Workflow<Data> wf(phases);
    Data d;
    ASSERT_FALSE(wf.run({}, [&]() -> Result<Data*> { return &d; }));
    EXPECT_EQ(d.ran, (std::vector<std::string>{"preflight", "begin certs", "ca"}));
  }
}
