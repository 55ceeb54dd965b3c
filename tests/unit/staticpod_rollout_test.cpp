// The static pod rollout (src/staticpod/rollout.h) against a fake kubelet: a fake clock whose
// every sleep lets the "kubelet" look at the real manifest file in a temp dir, (re)start or stop
// the component, and answer the mirror pod GET and the health probe as a node would. Covers the
// restart (move out, wait until stopped, move back, new container), the replace (hash change),
// rollback on timeout, a kubelet that never reacts, etcd taking the API down while it restarts,
// dry-run, and the helpers (health URL from a manifest, backup dir names, mirror pod fields).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <functional>

#include "common/fs.h"
#include "lib/fake_clock.h"
#include "lib/fake_static_pod_node.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "staticpod/probe_url.h"
#include "staticpod/rollout.h"

using namespace kadm;
using namespace kadm::staticpod;
using json = nlohmann::json;

namespace {

std::string manifest_for(const std::string& component, const std::string& flag = "--v=2",
                         int port = 10259) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + component +
         "\n  namespace: kube-system\nspec:\n  containers:\n  - name: " + component +
         "\n    command:\n    - " + component + "\n    - " + flag +
         "\n    livenessProbe:\n      httpGet:\n        host: 127.0.0.1\n        path: /healthz\n"
         "        port: " +
         std::to_string(port) + "\n        scheme: HTTPS\n";
}

class Rollout : public ::testing::Test {
 protected:
  void SetUp() override { setup("kube-scheduler"); }

  void setup(const std::string& c, const std::string& text = "") {
    component = c;
    manifests = dir.path() / "manifests";
    std::filesystem::create_directories(manifests);
    old_text = text.empty() ? manifest_for(c) : text;
    ASSERT_TRUE(fs::write_file_atomic(manifests / (c + ".yaml"), old_text, 0600));
    node = std::make_unique<test::FakeStaticPodNode>(manifests, "cp1");
    node->start_all();
    clock = std::make_unique<test::TickingClock>(*node);
    request = RolloutRequest{.component = c,
                             .node_name = "cp1",
                             .manifest_dir = manifests,
                             .backup_dir = dir.path() / "tmp" / "kubeadm-backup-manifests-x",
                             .new_manifest = std::nullopt,
                             .timeout = std::chrono::seconds(30)};
  }

  Seams seams() { return Seams{effects, *node, *node, *clock}; }
  std::string manifest_now() {
    return fs::read_file(manifests / (component + ".yaml")).value_or("");
  }

  test::TempDir dir;
  std::filesystem::path manifests;
  std::string component, old_text;
  std::unique_ptr<test::FakeStaticPodNode> node;
  std::unique_ptr<test::TickingClock> clock;
  plan::RealEffects effects;
  RolloutRequest request;
};

TEST_F(Rollout, RestartMovesTheManifestOutUntilStoppedAndBackAndWaitsForANewContainer) {
  test::LogCapture log;
  auto r = roll_out(request, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->restarted);
  EXPECT_EQ(node->stops(component), 1);  // the kubelet saw the manifest gone and stopped the pod
  EXPECT_EQ(r->container_before, "containerd://c1");
  EXPECT_EQ(r->container_after, "containerd://c2");
  EXPECT_EQ(r->hash_before, r->hash_after);  // same manifest, same hash
  EXPECT_EQ(manifest_now(), old_text);
  // The backup: kubeadm's place and name, private.
  EXPECT_EQ(r->backup, request.backup_dir / "kube-scheduler.yaml");
  EXPECT_EQ(fs::read_file(r->backup).value_or(""), old_text);
  EXPECT_EQ(fs::file_mode(r->backup).value_or(0) & 0777, 0600u);
  EXPECT_EQ(fs::file_mode(request.backup_dir).value_or(0) & 0777, 0700u);
  EXPECT_EQ(fs::file_mode(request.backup_dir.parent_path()).value_or(0) & 0777, 0700u);
  EXPECT_EQ(fs::file_mode(manifests / "kube-scheduler.yaml").value_or(0) & 0777, 0600u);
  EXPECT_EQ(node->health_urls.front(), "https://127.0.0.1:10259/healthz");
  EXPECT_NE(log.str().find("Restarting the kube-scheduler static pod and backing up its manifest"),
            std::string::npos)
      << log.str();
}

TEST_F(Rollout, ReplaceWaitsForTheHashToChangeAndTheNewPodToBeReady) {
  request.new_manifest = manifest_for("kube-scheduler", "--v=4");
  node->ticks_to_ready = 5;
  auto r = roll_out(request, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_FALSE(r->restarted);
  EXPECT_NE(r->hash_before, r->hash_after);
  EXPECT_EQ(node->stops(component), 0);  // replaced in place, never moved out
  EXPECT_EQ(manifest_now(), *request.new_manifest);
  EXPECT_EQ(fs::read_file(r->backup).value_or(""), old_text);
  EXPECT_GE(node->ticks, 5);  // it waited for Ready, not only for the hash
}

TEST_F(Rollout, ABrokenNewManifestIsRolledBackAndTheErrorSaysWhatWasSeenAndWhereTheBackupIs) {
  request.new_manifest = manifest_for("kube-scheduler", "--bad-flag");
  request.timeout = std::chrono::seconds(10);
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  const auto text = r.error().text();
  EXPECT_NE(text.find("kube-scheduler: the kubelet did not run the new manifest"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("is not Ready"), std::string::npos) << text;  // what was last observed
  EXPECT_NE(text.find((request.backup_dir / "kube-scheduler.yaml").string()), std::string::npos);
  EXPECT_NE(text.find("is healthy again"), std::string::npos) << text;
  EXPECT_EQ(manifest_now(), old_text);  // the old manifest is back
  EXPECT_TRUE(node->up(component));
  // Bounded by the timeouts (new one, then the old one back), not endless.
  EXPECT_LE(clock->now() - apiclient::Clock::TimePoint{}, std::chrono::seconds(21));
}

TEST_F(Rollout, ARollbackThatDoesNotRecoverSaysSo) {
  request.new_manifest = manifest_for("kube-scheduler", "--bad-flag");
  request.timeout = std::chrono::seconds(5);
  node->ticks_to_ready = 1000;  // nothing becomes healthy again either
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("is not healthy again after 5s"), std::string::npos)
      << r.error().text();
  EXPECT_EQ(manifest_now(), old_text);
}

TEST_F(Rollout, AKubeletThatNeverStopsThePodIsReportedAndTheManifestPutBack) {
  node->kubelet_running = false;
  request.timeout = std::chrono::seconds(3);
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(r.error().text().find("the kubelet did not stop it within 3s"), std::string::npos)
      << r.error().text();
  EXPECT_NE(r.error().text().find("is the kubelet running"), std::string::npos);
  EXPECT_EQ(manifest_now(), old_text);
}

TEST_F(Rollout, ACallersConditionThatNeverHoldsRollsBackNamingIt) {
  request.timeout = std::chrono::seconds(4);
  request.also_wait_for = [] { return Result<bool>(false); };
  request.also_wait_for_what = "the served certificate's serial to change";
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("the served certificate's serial to change"), std::string::npos)
      << r.error().text();
}

TEST_F(Rollout, ACallersConditionIsPolledUntilItHolds) {
  int calls = 0;
  request.also_wait_for = [&] { return Result<bool>(++calls >= 3); };
  auto r = roll_out(request, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(calls, 3);
}

TEST_F(Rollout, EtcdRestartsWhileTheApiIsDownAndIsProvenByItsMirrorPodAndHealth) {
  const std::string etcd =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\nspec:\n  containers:\n  - name: etcd\n"
      "    livenessProbe:\n      httpGet:\n        host: 127.0.0.1\n        path: "
      "/health?exclude=NOSPACE&serializable=true\n        port: 2381\n        scheme: HTTP\n";
  setup("etcd", etcd);
  node->api_needs = {"etcd"};  // no API reads while etcd is down
  node->ticks_to_ready = 4;
  auto r = roll_out(request, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->container_after, "containerd://c2");
  EXPECT_EQ(node->health_urls.back(),
            "http://127.0.0.1:2381/health?exclude=NOSPACE&serializable=true");
}

TEST_F(Rollout, RestartWithoutAnApiIsProvenByTheHealthEndpointGoingDownAndUp) {
  node->api_dead = true;
  request.initial_read_timeout = std::chrono::seconds(1);
  test::LogCapture log;
  auto r = roll_out(request, seams());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(node->stops(component), 1);
  EXPECT_EQ(node->starts(component), 2);
  EXPECT_EQ(r->container_before, "");
  EXPECT_NE(log.str().find("could not be read"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("going down and coming back"), std::string::npos);
}

TEST_F(Rollout, RestartWithoutAnApiStillRollsBackWhenTheComponentDoesNotComeBack) {
  node->api_dead = true;
  request.initial_read_timeout = std::chrono::seconds(1);
  request.timeout = std::chrono::seconds(5);
  node->ticks_to_ready = 1000;
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("the kubelet did not bring it back"), std::string::npos)
      << r.error().text();
  EXPECT_NE(r.error().text().find("is not healthy at https://127.0.0.1:10259/healthz"),
            std::string::npos)
      << r.error().text();
  EXPECT_EQ(manifest_now(), old_text);
}

TEST_F(Rollout, ReplaceRefusesWhenTheMirrorPodCannotBeReadAndChangesNothing) {
  node->api_dead = true;
  request.new_manifest = manifest_for("kube-scheduler", "--v=4");
  request.initial_read_timeout = std::chrono::seconds(2);
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("nothing was changed"), std::string::npos) << r.error().text();
  EXPECT_EQ(manifest_now(), old_text);
  EXPECT_FALSE(std::filesystem::exists(request.backup_dir));
}

TEST_F(Rollout, AMissingManifestIsAnErrorNamingItAndNothingIsWritten) {
  std::filesystem::remove(manifests / "kube-scheduler.yaml");
  auto r = roll_out(request, seams());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
  EXPECT_NE(r.error().text().find((manifests / "kube-scheduler.yaml").string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(request.backup_dir));
  EXPECT_TRUE(node->requests.empty());
}

class DryRunRecording final : public plan::Effects {
 public:
  Status apply(const plan::Action& a) override {
    actions.push_back(plan::describe(a));
    return {};
  }
  bool dry_run() const override { return true; }
  std::vector<std::string> actions;
};

TEST_F(Rollout, DryRunListsBackupAndRestartWithoutTouchingTheNode) {
  DryRunRecording dry;
  auto r = plan_roll_out(request, Seams{dry, *node, *node, *clock});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->dry_run);
  ASSERT_EQ(dry.actions.size(), 5u);
  EXPECT_NE(dry.actions[2].find("kube-scheduler.yaml"), std::string::npos);
  EXPECT_TRUE(node->requests.empty());
  EXPECT_TRUE(node->health_urls.empty());
  EXPECT_EQ(node->ticks, 0);
  EXPECT_FALSE(std::filesystem::exists(request.backup_dir));
}

TEST_F(Rollout, RestoreFromBackupPutsTheBackupBackAndWaitsForHealth) {
  request.new_manifest = manifest_for("kube-scheduler", "--v=4");
  ASSERT_TRUE(roll_out(request, seams()));
  auto s = restore_from_backup(request, seams());
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(manifest_now(), old_text);
  EXPECT_TRUE(node->up(component));
}

TEST(StaticPodHelpers, HealthUrlFollowsTheProbeTheKubeletUses) {
  const std::string apiserver =
      "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: kube-apiserver\n"
      "    livenessProbe:\n      httpGet: {host: 10.0.0.1, path: /livez, port: probe-port, "
      "scheme: HTTPS}\n"
      "    readinessProbe:\n      httpGet: {host: 10.0.0.1, path: /readyz, port: 6443, scheme: "
      "HTTPS}\n"
      "    ports:\n    - {name: probe-port, containerPort: 6443}\n";
  EXPECT_EQ(health_url(apiserver, "kube-apiserver").value_or("?"), "https://10.0.0.1:6443/readyz");
  // The others: liveness, named port looked up, host defaulted, IPv6 bracketed.
  const std::string cm =
      "spec:\n  containers:\n  - name: kube-controller-manager\n    livenessProbe:\n"
      "      httpGet: {path: /healthz, port: probe-port, scheme: HTTPS}\n"
      "    ports:\n    - {name: probe-port, containerPort: 10257}\n";
  EXPECT_EQ(health_url(cm, "kube-controller-manager").value_or("?"),
            "https://127.0.0.1:10257/healthz");
  const std::string v6 =
      "spec:\n  containers:\n  - name: etcd\n    livenessProbe:\n"
      "      httpGet: {host: 'fd00::1', path: /health, port: 2381}\n";
  EXPECT_EQ(health_url(v6, "etcd").value_or("?"), "http://[fd00::1]:2381/health");
  auto none = health_url("spec:\n  containers:\n  - name: x\n", "x");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().text().find("no HTTP liveness probe"), std::string::npos);
  EXPECT_FALSE(health_url("{{{", "x"));
}

TEST(StaticPodHelpers, BackupDirIsKubeadmsTimestampedName) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto t = std::chrono::sys_days{std::chrono::year{2026} / 4 / 14} + std::chrono::hours(14) +
           std::chrono::minutes(17) + std::chrono::seconds(7);
  EXPECT_EQ(backup_dir("/etc/kubernetes", t).string(),
            "/etc/kubernetes/tmp/kubeadm-backup-manifests-2026-04-14-14-17-07");
}

TEST(StaticPodHelpers, MirrorPodFields) {
  json pod = {
      {"metadata", {{"uid", "u1"}, {"annotations", {{"kubernetes.io/config.hash", "abc"}}}}},
      {"status",
       {{"phase", "Running"},
        {"conditions",
         {{{"type", "PodScheduled"}, {"status", "True"}},
          {{"type", "Ready"}, {"status", "False"}}}},
        {"containerStatuses",
         {{{"name", "sidecar"}, {"containerID", "containerd://s"}},
          {{"name", "etcd"}, {"containerID", "containerd://e"}}}}}}};
  auto m = parse_mirror_pod(pod, "etcd");
  EXPECT_EQ(m.hash, "abc");
  EXPECT_EQ(m.uid, "u1");
  EXPECT_EQ(m.container_id, "containerd://e");
  EXPECT_FALSE(m.ready);
  EXPECT_EQ(m.phase, "Running");
  EXPECT_EQ(mirror_pod_path("etcd", "cp1"), "/api/v1/namespaces/kube-system/pods/etcd-cp1");
  EXPECT_EQ(parse_mirror_pod(json(), "etcd").hash, "");
}

}  // namespace

// One resolver of probe URLs serves the rollout and the control-plane health wait.
TEST(StaticPodProbeUrl, PortsHostsAndPathsAsTheKubeletResolvesThem) {
  const nlohmann::json container = {{"ports", {{{"name", "probe-port"}, {"containerPort", 2381}}}}};
  auto url = [&](nlohmann::json get) { return staticpod::probe_url(container, get, "pod etcd"); };
  EXPECT_EQ(url({{"port", "probe-port"}, {"path", "livez"}}).value(),
            "http://127.0.0.1:2381/livez");
  EXPECT_EQ(
      url({{"port", "10259"}, {"scheme", "HTTPS"}, {"host", "::1"}, {"path", "/livez"}}).value(),
      "https://[::1]:10259/livez");
  EXPECT_EQ(url({{"port", 6443}, {"host", "10.0.0.4"}}).value(), "http://10.0.0.4:6443/");
  auto unknown = url({{"port", "metrics"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "pod etcd's probe names unknown port metrics");
  EXPECT_FALSE(url({{"port", 70000}}));
  EXPECT_FALSE(url(nlohmann::json::object()));
}
