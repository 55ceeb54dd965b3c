// apply's CreateJob health check: the Job as data, and running it against an API that completes
// it, never schedules it, fails it or refuses it; the dry-run seam only says what it would do.

#include <gtest/gtest.h>

#include "apiclient/job.h"
#include "lib/fake_api_server.h"
#include "lib/fake_clock.h"
#include "lib/log_capture.h"
#include "runenv/environment.h"
#include "upgrade/health_check.h"

namespace kadm::upgrade {
namespace {

using json = nlohmann::json;
constexpr std::string_view kJobs = "/apis/batch/v1/namespaces/kube-system/jobs";

json job() {
  return health_check_job("registry.example/pause:3.10.2",
                          {"node-role.kubernetes.io/control-plane"});
}

// The fake API server plus a cluster that acts on the Job: `complete_after` GETs of a Job mark
// it Complete (0: never), `fail` marks it Failed instead.
class JobCluster final : public apiclient::Client {
 public:
  apiclient::ApiResult<json> send(const apiclient::Request& r) override {
    if (r.method == "POST" && refuse_creates > 0) {
      --refuse_creates;
      return std::unexpected(apiclient::error_from_response(
          r.method, r.path, 503, R"({"kind":"Status","reason":"ServiceUnavailable"})"));
    }
    if (r.method == "GET" && r.path.starts_with(kJobs) && api.objects.contains(r.path) &&
        ++gets == complete_after) {
      auto& status = api.objects[r.path]["status"];
      status["conditions"] =
          json::array({{{"type", fail ? "Failed" : "Complete"}, {"status", "True"}}});
    }
    return api.send(r);
  }
  test::FakeApiServer api;
  int complete_after = 0;
  bool fail = false;
  int refuse_creates = 0;
  int gets = 0;
};

apiclient::JobRunOptions options(test::FakeClock& clock) {
  apiclient::JobRunOptions o;
  o.clock = &clock;
  o.log_tag = "upgrade/health";
  return o;
}

const apiclient::Request* deletion(const test::FakeApiServer& api) {
  for (const auto& r : api.requests) {
    if (r.method == "DELETE") return &r;
  }
  return nullptr;
}

TEST(HealthCheckJob, IsKubeadmsJob) {
  json j = job();
  EXPECT_EQ(j["apiVersion"], "batch/v1");
  EXPECT_EQ(j["kind"], "Job");
  EXPECT_EQ(j["metadata"]["generateName"], "upgrade-health-check-");
  EXPECT_EQ(j["metadata"]["namespace"], "kube-system");
  EXPECT_FALSE(j["metadata"].contains("name"));
  EXPECT_EQ(j["spec"]["backoffLimit"], 0);
  EXPECT_EQ(j["spec"]["ttlSecondsAfterFinished"], 20);
  const json& pod = j["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["securityContext"],
            (json{{"runAsUser", 999}, {"runAsGroup", 999}, {"runAsNonRoot", true}}));
  EXPECT_EQ(
      pod["tolerations"],
      json::array({{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}}));
  EXPECT_FALSE(pod.contains("nodeSelector"));  // kubeadm does not pin it to a node
  ASSERT_EQ(pod["containers"].size(), 1u);
  EXPECT_EQ(pod["containers"][0]["name"], "upgrade-health-check");
  EXPECT_EQ(pod["containers"][0]["image"], "registry.example/pause:3.10.2");
  EXPECT_EQ(pod["containers"][0]["args"], json::array({"-v"}));
  // Both taint keys while a cluster still has the master one.
  auto both = health_check_job(
      "p", {"node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"});
  EXPECT_EQ(both["spec"]["template"]["spec"]["tolerations"].size(), 2u);
}

TEST(HealthCheckJob, CompletedJobIsDeletedInTheForeground) {
  JobCluster cluster;
  cluster.complete_after = 3;
  test::FakeClock clock;
  auto name = apiclient::run_job_to_completion(cluster, job(), options(clock));
  ASSERT_TRUE(name) << name.error().text();
  EXPECT_TRUE(name->starts_with("upgrade-health-check-")) << *name;
  EXPECT_EQ(cluster.gets, 3);
  EXPECT_EQ(clock.sleeps().size(), 2u);
  EXPECT_EQ(clock.sleeps()[0], std::chrono::milliseconds(1000));
  const auto* del = deletion(cluster.api);
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->path, std::string(kJobs) + "/" + *name);
  ASSERT_TRUE(del->body);
  EXPECT_EQ((*del->body)["propagationPolicy"], "Foreground");
  EXPECT_TRUE(cluster.api.objects.empty());
}

TEST(HealthCheckJob, UnscheduledJobFailsNamingItAndWhatItsPodSays) {
  JobCluster cluster;
  test::FakeClock clock;
  cluster.api.put(
      "/api/v1/namespaces/kube-system/pods?labelSelector=job-name%3Dupgrade-health-check-g1",
      json{{"items",
            json::array({{{"metadata", {{"name", "upgrade-health-check-g1-x2b9"}}},
                          {"status",
                           {{"phase", "Pending"},
                            {"conditions",
                             json::array({{{"type", "PodScheduled"},
                                           {"status", "False"},
                                           {"message",
                                            "0/3 nodes are available: 3 node(s) had untolerated "
                                            "taint {example: x}"}}})}}}}})}});
  auto name = apiclient::run_job_to_completion(cluster, job(), options(clock));
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().kind(), ErrorKind::Timeout);
  const std::string text = name.error().text();
  EXPECT_NE(text.find("\"kube-system/upgrade-health-check-g1\" did not complete in 15s"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("upgrade-health-check-g1-x2b9 is Pending on no Node yet, not scheduled: 0/3 nodes"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("pull the image registry.example/pause:3.10.2"), std::string::npos) << text;
  EXPECT_GE(cluster.gets, 15);                // polled once a second for the whole 15 s
  EXPECT_NE(deletion(cluster.api), nullptr);  // no Job left behind that never finishes
}

// Just after kubelets restart the Pod's exit can be reported long before the Job controller
// marks the Job Complete: a Pod whose containers all exited 0 has done what the check asks.
TEST(HealthCheckJob, PodThatExitedZeroCompletesTheWaitBeforeTheJobCondition) {
  const std::string pods =
      "/api/v1/namespaces/kube-system/pods?labelSelector=job-name%3Dupgrade-health-check-g1";
  auto pod_with = [](json state) {
    return json{
        {"items",
         json::array({{{"metadata", {{"name", "upgrade-health-check-g1-x2b9"}}},
                       {"status",
                        {{"phase", "Running"},
                         {"containerStatuses", json::array({{{"state", std::move(state)}}})}}}}})}};
  };
  JobCluster exited;
  exited.api.put(pods, pod_with({{"terminated", {{"reason", "Completed"}, {"exitCode", 0}}}}));
  test::FakeClock clock;
  auto name = apiclient::run_job_to_completion(exited, job(), options(clock));
  ASSERT_TRUE(name) << name.error().text();
  EXPECT_EQ(exited.gets, 1);
  EXPECT_NE(deletion(exited.api), nullptr);

  // Exit code 1, or a container still running, is no completion: the wait goes on to its end.
  for (json state : {json{{"terminated", {{"reason", "Error"}, {"exitCode", 1}}}},
                     json{{"running", {{"startedAt", "2026-12-04T19:00:00Z"}}}}}) {
    JobCluster cluster;
    cluster.api.put(pods, pod_with(state));
    test::FakeClock c;
    auto r = apiclient::run_job_to_completion(cluster, job(), options(c));
    ASSERT_FALSE(r) << state.dump();
    EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
    EXPECT_GE(cluster.gets, 15);
  }
}

// A Job nothing has acted on by 15 s (no Pod: kube-controller-manager restarting, its successor
// waiting for the old lease) gets 45 s more; then it fails, naming the whole wait.
TEST(HealthCheckJob, JobWithoutAPodGetsTheControllerManagerMoreTime) {
  const std::string pods =
      "/api/v1/namespaces/kube-system/pods?labelSelector=job-name%3Dupgrade-health-check-g1";
  JobCluster late;
  late.api.put(pods, json{{"items", json::array()}});
  late.complete_after = 25;
  test::FakeClock clock;
  test::LogCapture logs;
  auto name = apiclient::run_job_to_completion(late, job(), options(clock));
  ASSERT_TRUE(name) << name.error().text();
  EXPECT_EQ(late.gets, 25);
  EXPECT_NE(logs.str().find("after 15s (no Pod, or one not scheduled); waiting up to 45s more"),
            std::string::npos)
      << logs.str();

  // A Pod the scheduler has not looked at yet (no Node, no PodScheduled condition) is no verdict
  // either; a Pod on a Node is one, and gets no more time.
  JobCluster unscheduled;
  unscheduled.api.put(
      pods, json{{"items", json::array({{{"metadata", {{"name", "upgrade-health-check-g1-a"}}},
                                         {"status", {{"phase", "Pending"}}}}})}});
  unscheduled.complete_after = 25;
  test::FakeClock c2;
  EXPECT_TRUE(apiclient::run_job_to_completion(unscheduled, job(), options(c2)));
  JobCluster placed;
  placed.api.put(pods,
                 json{{"items", json::array({{{"metadata", {{"name", "upgrade-health-check-g1-a"}}},
                                              {"spec", {{"nodeName", "w1"}}},
                                              {"status", {{"phase", "Pending"}}}}})}});
  placed.complete_after = 25;
  test::FakeClock c3;
  auto r3 = apiclient::run_job_to_completion(placed, job(), options(c3));
  ASSERT_FALSE(r3);
  EXPECT_NE(r3.error().text().find("did not complete in 15s"), std::string::npos)
      << r3.error().text();
  EXPECT_NE(r3.error().text().find("is Pending on Node w1"), std::string::npos)
      << r3.error().text();

  JobCluster never;
  never.api.put(pods, json{{"items", json::array()}});
  test::FakeClock c;
  auto r = apiclient::run_job_to_completion(never, job(), options(c));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(r.error().text().find("did not complete in 1m0s"), std::string::npos)
      << r.error().text();
  EXPECT_NE(r.error().text().find("it has no Pod"), std::string::npos);
  EXPECT_GE(never.gets, 60);
}

TEST(HealthCheckJob, FailedJobStopsTheWaitAtOnce) {
  JobCluster cluster;
  cluster.complete_after = 2;
  cluster.fail = true;
  cluster.api.put(
      "/api/v1/namespaces/kube-system/pods?labelSelector=job-name%3Dupgrade-health-check-g1",
      json{{"items", json::array()}});
  test::FakeClock clock;
  auto name = apiclient::run_job_to_completion(cluster, job(), options(clock));
  ASSERT_FALSE(name);
  EXPECT_EQ(cluster.gets, 2);
  EXPECT_NE(name.error().text().find("condition Failed"), std::string::npos) << name.error().text();
  EXPECT_NE(name.error().text().find("it has no Pod"), std::string::npos);
  EXPECT_NE(deletion(cluster.api), nullptr);
}

TEST(HealthCheckJob, CreationIsRetriedThenGivenUp) {
  test::FakeClock clock;
  JobCluster flaky;
  flaky.refuse_creates = 2;
  flaky.complete_after = 1;
  EXPECT_TRUE(apiclient::run_job_to_completion(flaky, job(), options(clock)));

  JobCluster down;
  down.refuse_creates = 1000;
  auto r = apiclient::run_job_to_completion(down, job(), options(clock));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("could not create a Job with the prefix "
                                  "\"upgrade-health-check\" in the namespace \"kube-system\""),
            std::string::npos)
      << r.error().text();
  EXPECT_EQ(deletion(down.api), nullptr);
}

TEST(HealthCheckJob, DryRunSeamSaysWhatItWouldCreateAndTouchesNothing) {
  test::FakeApiServer api;
  test::LogCapture log;
  test::FakeClock clock;
  auto r = runenv::dry_run_connectors().run_job(api, job(), options(clock));
  ASSERT_TRUE(r);
  EXPECT_TRUE(api.requests.empty());
  EXPECT_NE(log.str().find("[upgrade/health] Would create the Job with the prefix "
                           "\"upgrade-health-check\" in namespace \"kube-system\" and wait until "
                           "it completes"),
            std::string::npos)
      << log.str();

  JobCluster cluster;
  cluster.complete_after = 1;
  ASSERT_TRUE(runenv::real_connectors().run_job(cluster, job(), options(clock)));
  EXPECT_EQ(cluster.api.requests.front().method, "POST");
}

}  // namespace
}  // namespace kadm::upgrade
