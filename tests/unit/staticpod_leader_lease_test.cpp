// After a rollback, upgrade apply checks that kube-controller-manager and kube-scheduler lead
// again: the lease each takes (from its manifest's flags) must be renewed after the wait began.
#include <gtest/gtest.h>

#include <functional>

#include "lib/fake_api_server.h"
#include "staticpod/leader_lease.h"
#include "staticpod/manifest_flags.h"

namespace kadm::staticpod {
namespace {

using std::chrono::seconds;

// A clock whose sleeps only move its time forward, and run `on_sleep` (the cluster meanwhile).
class ScriptedClock final : public apiclient::Clock {
 public:
  TimePoint now() override { return m_now; }
  void sleep_for(Duration d) override {
    m_now += d;
    ++sleeps;
    if (on_sleep) on_sleep(sleeps);
  }
  std::function<void(int)> on_sleep;
  int sleeps = 0;

 private:
  TimePoint m_now{};
};

const char* kScheduler = R"(apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  containers:
  - name: kube-scheduler
    command:
    - kube-scheduler
    - --kubeconfig=/etc/kubernetes/scheduler.conf
    - --leader-elect=true
    - --bind-address=127.0.0.1
    - --v
)";

apiclient::json lease_renewed_at(const std::string& when) {
  return {{"metadata", {{"name", "kube-scheduler"}, {"namespace", "kube-system"}}},
          {"spec", {{"holderIdentity", "node1_abc"}, {"renewTime", when}}}};
}

const std::string kPath =
    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler";

}  // namespace

TEST(ManifestFlags, CommandAndArgsOfTheFirstContainer) {
  auto flags = manifest_flags(kScheduler, "kube-scheduler.yaml");
  ASSERT_TRUE(flags) << flags.error().text();
  EXPECT_EQ(flags->at("--kubeconfig"), "/etc/kubernetes/scheduler.conf");
  EXPECT_EQ(flags->at("--v"), "true");
  EXPECT_FALSE(flags->contains("kube-scheduler"));
  auto bad = manifest_flags("spec: {containers: []}", "x.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("x.yaml: no containers"), std::string::npos);
}

TEST(LeaderLease, DefaultOverriddenOrNone) {
  auto lease = leader_lease(*manifest_flags(kScheduler, "s"), "kube-scheduler");
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->path(), kPath);
  EXPECT_EQ(lease->text(), "kube-system/kube-scheduler");
  ManifestFlags moved{{"--leader-elect-resource-namespace", "ops"},
                      {"--leader-elect-resource-name", "sched"}};
  EXPECT_EQ(leader_lease(moved, "kube-scheduler")->text(), "ops/sched");
  EXPECT_FALSE(leader_lease({{"--leader-elect", "false"}}, "kube-scheduler"));
}

TEST(LeaderLease, ARenewalAfterTheWaitBeganIsWhatCounts) {
  test::FakeApiServer api;
  api.put(kPath, lease_renewed_at("2026-12-05T12:00:00.000000Z"));
  ScriptedClock clock;
  clock.on_sleep = [&](int n) {
    if (n == 3) api.put(kPath, lease_renewed_at("2026-12-05T12:00:05.000000Z"));
  };
  const LeaseRef lease{"kube-system", "kube-scheduler"};
  ASSERT_TRUE(wait_for_lease_renewal(api, lease, clock, seconds(20)));
  EXPECT_EQ(clock.sleeps, 3) << "a lease renewed before the wait proves nothing";
}

TEST(LeaderLease, ALeaseThatAppearsCounts) {
  test::FakeApiServer api;
  ScriptedClock clock;
  clock.on_sleep = [&](int n) {
    if (n == 2) api.put(kPath, lease_renewed_at("2026-12-05T12:00:05.000000Z"));
  };
  ASSERT_TRUE(wait_for_lease_renewal(api, {"kube-system", "kube-scheduler"}, clock, seconds(20)));
}

TEST(LeaderLease, AStaleLeaseTimesOutNamingIt) {
  test::FakeApiServer api;
  api.put(kPath, lease_renewed_at("2026-12-05T12:00:00.000000Z"));
  ScriptedClock clock;
  auto s = wait_for_lease_renewal(api, {"kube-system", "kube-scheduler"}, clock, seconds(20));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("kube-system/kube-scheduler to be renewed"), std::string::npos)
      << s.error().text();
  EXPECT_GE(clock.sleeps, 19);
}

}  // namespace kadm::staticpod
