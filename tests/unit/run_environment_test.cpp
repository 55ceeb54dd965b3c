// The run environment's dry-run implementations: they never touch the machine or the network,
// and they answer at once what a dry run needs to go on.

#include <gtest/gtest.h>

#include <memory>

#include "apiclient/dry_run_client.h"
#include "etcd/dry_run_members.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "runenv/environment.h"

using namespace kadm;

namespace {

// A member API that records every call; list answers `members`.
struct RecordingMembers final : etcd::EtcdMembers {
  std::vector<etcd::EtcdMember> members;
  std::vector<std::string> calls;
  Result<std::vector<etcd::EtcdMember>> list() override {
    calls.push_back("list");
    return members;
  }
  Status remove(const std::string& id) override {
    calls.push_back("remove " + id);
    return {};
  }
  Result<etcd::AddedMember> add(const std::vector<std::string>& peer_urls, bool) override {
    calls.push_back("add " + peer_urls.at(0));
    return etcd::AddedMember{};
  }
  Status promote(const std::string& id) override {
    calls.push_back("promote " + id);
    return {};
  }
};

}  // namespace

TEST(DryRunMembers, ReadsThroughButNeverChangesTheCluster) {
  auto real = std::make_unique<RecordingMembers>();
  real->members = {{"11", "cp1", {"https://10.0.0.4:2380"}, {"https://10.0.0.4:2379"}}};
  auto* seen = real.get();
  etcd::DryRunMembers dry(std::move(real));
  test::LogCapture log;
  auto list = dry.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "11");
  EXPECT_TRUE(dry.remove("11"));
  auto added = dry.add({"https://10.0.0.5:2380"}, true);
  ASSERT_TRUE(added);
  EXPECT_TRUE(dry.promote(added->member.id));
  // Only reads reached the real cluster; every change was only said.
  EXPECT_EQ(seen->calls, (std::vector<std::string>{"list", "list"}));
  EXPECT_NE(log.str().find("[dryrun] Would remove etcd member 11"), std::string::npos);
  EXPECT_NE(log.str().find("[dryrun] Would add etcd member https://10.0.0.5:2380 as a learner"),
            std::string::npos);
  EXPECT_TRUE(dry.dry_run());
  EXPECT_FALSE(seen->dry_run());
}

TEST(DryRunMembers, WithoutAReaderAnAddedLearnerIsStartedAndPromotedAtOnce) {
  etcd::DryRunMembers dry;
  auto none = dry.list();
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto added = dry.add({"https://10.0.0.5:2380"}, true);
  ASSERT_TRUE(added);
  EXPECT_TRUE(added->member.is_learner);
  ASSERT_EQ(added->members.size(), 1u);
  // Started (name and client URLs known), so no caller waits for it to start.
  EXPECT_FALSE(added->members[0].name.empty());
  EXPECT_FALSE(added->members[0].client_urls.empty());
  ASSERT_TRUE(dry.promote(added->member.id));
  auto after = dry.list();
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_FALSE((*after)[0].is_learner);
  ASSERT_TRUE(dry.remove(added->member.id));
  EXPECT_TRUE(dry.list()->empty());
}

TEST(RunEnvironment, DryRunConnectorsNeedNoFilesAndNoNetwork) {
  test::TempDir tmp;
  auto c = runenv::dry_run_connectors();
  // No kubeconfig on disk: the dry-run client answers without one.
  auto api = c.api(tmp.path() / "admin.conf", Duration{1000});
  ASSERT_TRUE(api);
  test::LogCapture log;
  auto node = (*api)->get("/api/v1/nodes/cp1");
  ASSERT_TRUE(node);
  EXPECT_EQ((*node)["metadata"]["name"], "cp1");
  // No etcd certificates: a member client that answers without contacting etcd.
  auto members = c.etcd("https://127.0.0.1:1", tmp.path().string(), "etcd/healthcheck-client");
  ASSERT_TRUE(members);
  EXPECT_TRUE((*members)->dry_run());
  auto list = (*members)->list();
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
  // Nothing was started, so the health wait says what it would check and answers without
  // polling: nothing listens on port 1, so a wait that polled could only fail.
  staticpod::WaitOptions wo;
  wo.timeout = Duration{1000};
  EXPECT_TRUE(c.wait_healthy({{"kube-apiserver", "https://127.0.0.1:1/readyz"}}, wo));
  EXPECT_FALSE(runenv::real_connectors().wait_healthy(
      {{"kube-apiserver", "https://127.0.0.1:1/readyz"}}, wo));
  EXPECT_NE(log.str().find("[dryrun] Would wait for kube-apiserver to answer at "
                           "https://127.0.0.1:1/readyz"),
            std::string::npos);
}

TEST(RunEnvironment, RealConnectorsReadWhatTheyAreGiven) {
  test::TempDir tmp;
  auto c = runenv::real_connectors();
  EXPECT_FALSE(c.api(tmp.path() / "admin.conf", Duration{1000}));
  auto members = c.etcd("https://127.0.0.1:1", tmp.path().string(), "etcd/healthcheck-client");
  EXPECT_FALSE(members);
}

TEST(RunEnvironment, ChoiceIsMadeOnce) {
  auto dry = runenv::choose(true);
  ASSERT_TRUE(dry.effects && dry.host);
  EXPECT_TRUE(dry.effects->dry_run());
  auto real = runenv::choose(false);
  ASSERT_TRUE(real.effects && real.host);
  EXPECT_FALSE(real.effects->dry_run());
  EXPECT_TRUE(dry.connect.api && dry.connect.etcd && dry.connect.cri && dry.connect.wait_healthy);
  EXPECT_TRUE(real.connect.api && real.connect.etcd && real.connect.cri &&
              real.connect.wait_healthy);
}
