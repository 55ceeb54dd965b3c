// wait-control-plane's explanation of a component that did not become healthy: the CRI log
// format, what the runtime says about the component's newest container (fake cri::Runtime and a
// log file in a fixture tree), and the timeout message of wait_for_healthy against a local HTTP
// endpoint that never answers 200.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "config/defaults.h"
#include "lib/fake_runtime.h"
#include "lib/fixture_host.h"
#include "lib/http_test_server.h"
#include "lib/paths_host.h"
#include "lib/temp_dir.h"
#include "staticpod/component_diagnosis.h"
#include "staticpod/health_wait.h"

using namespace kadm;
using namespace kadm::staticpod;

namespace {

constexpr const char* kSocket = "unix:///run/containerd/containerd.sock";
constexpr const char* kLog =
    "/var/log/pods/kube-system_kube-apiserver-n1_0a1b/kube-apiserver/3.log";

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

cri::StringMap labels_of(const std::string& component, const std::string& node) {
  return {{"io.kubernetes.pod.namespace", "kube-system"},
          {"io.kubernetes.pod.name", component + "-" + node},
          {"io.kubernetes.container.name", component}};
}

// A node whose kube-apiserver crashed twice: attempts 2 (older) and 3 (newest), plus the
// scheduler of another node name that must not be picked up.
struct CrashingApiserver {
  test::TempDir tmp;
  test::FixtureHost host{tmp.path()};
  std::shared_ptr<test::FakeNode> node = std::make_shared<test::FakeNode>();

  CrashingApiserver() {
    cri::Container old_one;
    old_one.id = "0123456789abcdef-old";
    old_one.pod_sandbox_id = "sb1";
    old_one.metadata.name = "kube-apiserver";
    old_one.state = cri::ContainerState::Exited;
    old_one.created_at = 100;
    old_one.labels = labels_of("kube-apiserver", "n1");
    cri::Container newest = old_one;
    newest.id = "fedcba9876543210-new";
    newest.created_at = 200;
    cri::Container stranger = old_one;
    stranger.id = "stranger";
    stranger.created_at = 999;
    stranger.labels = labels_of("kube-apiserver", "n2");
    node->containers = {old_one, newest, stranger};

    cri::ContainerStatus s;
    s.id = newest.id;
    s.state = cri::ContainerState::Exited;
    s.exit_code = 1;
    s.reason = "Error";
    s.annotations = {{"io.kubernetes.container.restartCount", "3"}};
    s.log_path = kLog;
    node->statuses[newest.id] = s;

    std::string log;
    for (int i = 1; i <= 25; ++i) {
      log += "2026-01-02T03:04:05.123456789Z stderr F line " + std::to_string(i) + "\n";
    }
    log += "2026-01-02T03:04:06.000000000Z stderr P Error: invalid argument \"6444\" for ";
    log += "\n2026-01-02T03:04:06.000000001Z stderr F \"--secure-port\" flag\n";
    host.write(kLog, log);
  }
};

}  // namespace

TEST(CriLogTail, TextOfTheLastLinesWithPartialsJoined) {
  std::string log =
      "2026-01-02T03:04:05.1Z stdout F first\n"
      "2026-01-02T03:04:05.2Z stderr P par\n"
      "2026-01-02T03:04:05.3Z stdout F interleaved\n"
      "2026-01-02T03:04:05.4Z stderr P ti\n"
      "2026-01-02T03:04:05.5Z stderr F al\n"
      "not a cri line at all\n"
      "2026-01-02T03:04:05.6Z stdout F \n"
      "2026-01-02T03:04:05.7Z stdout F with  two spaces";
  EXPECT_EQ(cri_log_tail(log, 20),
            (std::vector<std::string>{"first", "interleaved", "partial", "not a cri line at all",
                                      "", "with  two spaces"}));
  EXPECT_EQ(cri_log_tail(log, 2), (std::vector<std::string>{"", "with  two spaces"}));
  EXPECT_TRUE(cri_log_tail(log, 0).empty());
  EXPECT_TRUE(cri_log_tail("", 20).empty());
  // A partial line at the very end (the container died mid-line) is still shown.
  EXPECT_EQ(cri_log_tail("2026-01-02T03:04:05Z stderr P cut sho", 5),
            std::vector<std::string>{"cut sho"});
  // One enormous line does not flood the message.
  auto huge = cri_log_tail("2026-01-02T03:04:05Z stderr F " + std::string(5000, 'x') + "\n", 5);
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_LT(huge[0].size(), 700u);
  EXPECT_NE(huge[0].find("4400 more characters"), std::string::npos);
}

TEST(ExplainComponent, NewestContainerStateExitRestartsAndLog) {
  CrashingApiserver f;
  test::FakeNodeRuntime runtime(f.node, kSocket);
  auto lines = explain_component(runtime, f.host, "kube-apiserver", "n1");
  auto text = joined(lines);
  ASSERT_GE(lines.size(), 3u) << text;
  EXPECT_EQ(lines[0],
            "its newest container fedcba9876543 (pod kube-apiserver-n1, 2 container(s) in all) is "
            "exited with code 1 (Error), restarted 3 time(s)");
  EXPECT_EQ(lines[1], std::string("the last 20 line(s) of its log ") + kLog + ":");
  EXPECT_EQ(lines.size(), 22u);
  EXPECT_EQ(lines[2], "  line 7");
  EXPECT_EQ(lines.back(), "  Error: invalid argument \"6444\" for \"--secure-port\" flag");
  EXPECT_EQ(f.node->calls,
            (std::vector<std::string>{"ListContainers", "ContainerStatus fedcba9876543210-new"}));
}

TEST(ExplainComponent, RunningContainerWithoutRestartsOrUnreadableLog) {
  CrashingApiserver f;
  auto& s = f.node->statuses["fedcba9876543210-new"];
  s.state = cri::ContainerState::Running;
  s.annotations.clear();
  s.log_path = "/var/log/pods/missing.log";
  test::FakeNodeRuntime runtime(f.node, kSocket);
  auto lines = explain_component(runtime, f.host, "kube-apiserver", "n1");
  ASSERT_EQ(lines.size(), 2u) << joined(lines);
  EXPECT_EQ(lines[0],
            "its newest container fedcba9876543 (pod kube-apiserver-n1, 2 container(s) in all) is "
            "running");
  EXPECT_NE(lines[1].find("its log /var/log/pods/missing.log cannot be read"), std::string::npos);
}

TEST(ExplainComponent, NoContainerNamesTheKubeletAndWhatToCheck) {
  auto node = std::make_shared<test::FakeNode>();
  test::TempDir tmp;
  test::FixtureHost host(tmp.path());
  test::FakeNodeRuntime runtime(node, kSocket);
  auto text = joined(explain_component(runtime, host, "kube-scheduler", "n1"));
  EXPECT_NE(text.find("has no kube-scheduler container: the kubelet has not created the pod "
                      "kube-system/kube-scheduler-n1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("systemctl status kubelet"), std::string::npos);
  EXPECT_NE(text.find("node name is \"n1\""), std::string::npos);
  EXPECT_NE(text.find("kadm config images pull"), std::string::npos);

  // With a sandbox but no container, the image (or creating the container) is the suspect.
  cri::PodSandbox sb;
  sb.id = "5b5b5b5b5b5b5b5b";
  sb.labels = {{"io.kubernetes.pod.namespace", "kube-system"},
               {"io.kubernetes.pod.name", "kube-scheduler-n1"}};
  node->sandboxes = {sb};
  text = joined(explain_component(runtime, host, "kube-scheduler", "n1"));
  EXPECT_NE(text.find("created the pod kube-scheduler-n1 (sandbox 5b5b5b5b5b5b5) but no "
                      "kube-scheduler container"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("image"), std::string::npos);
}

TEST(ExplainComponent, RuntimeErrorsAreReportedNotHidden) {
  auto node = std::make_shared<test::FakeNode>();
  node->unreachable = true;
  test::TempDir tmp;
  test::FixtureHost host(tmp.path());
  test::FakeNodeRuntime runtime(node, kSocket);
  auto lines = explain_component(runtime, host, "kube-apiserver", "n1");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(std::string("the container runtime at ") + kSocket +
                          " could not list the containers of kube-apiserver-n1"),
            std::string::npos)
      << lines[0];
}

TEST(RuntimeExplainer, SaysNothingWithoutARuntimeSocket) {
  CrashingApiserver f;
  auto explain = runtime_explainer(f.host, kSocket, "n1", test::fake_node_connector(f.node));
  EXPECT_TRUE(explain("kube-apiserver").empty());
  EXPECT_TRUE(f.node->connects.empty());
  // Once the socket is there, the runtime is asked.
  f.host.write("/run/containerd/containerd.sock", "");
  auto lines = explain("kube-apiserver");
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("exited with code 1"), std::string::npos);
  EXPECT_EQ(f.node->connects, std::vector<std::string>{kSocket});
}

TEST(WaitForHealthy, TimeoutNamesTheComponentItsErrorAndTheRuntimeExplanation) {
  test::HttpTestServer server([](const test::HttpRequest&) {
    return test::HttpResponse::json(500, "[-]etcd failed: reason withheld");
  });
  std::vector<HealthEndpoint> endpoints = {{"kube-apiserver", server.url() + "/livez"}};
  CrashingApiserver f;
  f.host.write("/run/containerd/containerd.sock", "");
  WaitOptions o;
  o.timeout = std::chrono::milliseconds(600);
  o.interval = std::chrono::milliseconds(100);
  o.explain = runtime_explainer(f.host, kSocket, "n1", test::fake_node_connector(f.node));
  auto start = std::chrono::steady_clock::now();
  auto s = wait_for_healthy(endpoints, o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Timeout);
  const auto text = s.error().text();
  EXPECT_NE(text.find("kube-apiserver is not healthy at " + server.url() +
                      "/livez (last error: giving up after 1 attempts: GET /livez: the server "
                      "answered HTTP 500)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n\t\tits newest container fedcba9876543"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\t\t  Error: invalid argument \"6444\" for \"--secure-port\" flag"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("crictl"), std::string::npos);  // kadm said it itself
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(WaitForHealthy, WithoutRuntimeTheLastErrorAndTheGeneralHint) {
  test::HttpTestServer server(
      [](const test::HttpRequest&) { return test::HttpResponse::json(503, "not yet"); });
  std::vector<HealthEndpoint> endpoints = {{"kube-scheduler", server.url() + "/livez"}};
  CrashingApiserver f;  // no socket written: the explainer adds nothing
  WaitOptions o;
  o.timeout = std::chrono::milliseconds(400);
  o.interval = std::chrono::milliseconds(100);
  o.explain = runtime_explainer(f.host, kSocket, "n1", test::fake_node_connector(f.node));
  auto s = wait_for_healthy(endpoints, o);
  ASSERT_FALSE(s);
  const auto text = s.error().text();
  EXPECT_NE(text.find("kube-scheduler is not healthy at " + server.url() +
                      "/livez (last error: giving up after 1 attempts: GET /livez: the server "
                      "answered HTTP 503)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("crictl ps -a"), std::string::npos);
  EXPECT_EQ(text.find("\t\t"), std::string::npos);
  EXPECT_TRUE(f.node->calls.empty());
}

TEST(WaitForHealthy, HealthyComponentIsNeverExplained) {
  test::HttpTestServer server(
      [](const test::HttpRequest&) { return test::HttpResponse::json(200, "ok"); });
  std::vector<HealthEndpoint> endpoints = {{"kube-apiserver", server.url() + "/livez"}};
  int asked = 0;
  WaitOptions o;
  o.timeout = std::chrono::seconds(5);
  o.explain = [&](const std::string&) {
    ++asked;
    return std::vector<std::string>{"should not appear"};
  };
  EXPECT_TRUE(wait_for_healthy(endpoints, o));
  EXPECT_EQ(asked, 0);
}

// The API phases after wait-control-plane need the apiserver's post-start hooks done (RBAC's
// default roles) and its informers synced: /readyz, not /livez. The other components keep their
// liveness endpoints.
TEST(ControlPlaneHealthEndpoints, ApiserverReadyzOthersTheirLivenessProbes) {
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  cfg.cluster.kubernetes_version = "v1.37.2";
  cfg.local_api_endpoint.advertise_address = "10.213.0.5";
  cfg.local_api_endpoint.bind_port = 6443;
  cfg.node_registration.name = "cp1";
  auto endpoints = control_plane_health_endpoints(cfg, test::PathsHost{});
  ASSERT_TRUE(endpoints) << endpoints.error().text();
  ASSERT_EQ(endpoints->size(), 3u);
  EXPECT_EQ((*endpoints)[0].component, "kube-apiserver");
  EXPECT_EQ((*endpoints)[0].url, "https://10.213.0.5:6443/readyz");
  EXPECT_EQ((*endpoints)[1].component, "kube-controller-manager");
  EXPECT_EQ((*endpoints)[1].url, "https://127.0.0.1:10257/healthz");
  EXPECT_EQ((*endpoints)[2].component, "kube-scheduler");
  EXPECT_EQ((*endpoints)[2].url, "https://127.0.0.1:10259/livez");
}

// An apiserver that is live but not ready (RBAC's roles not bootstrapped yet) is waited for.
TEST(WaitForHealthy, WaitsUntilReadyzPasses) {
  std::atomic<int> asked{0};
  test::HttpTestServer server([&](const test::HttpRequest&) {
    if (++asked < 3) {
      return test::HttpResponse::json(500, "[-]poststarthook/rbac/bootstrap-roles failed");
    }
    return test::HttpResponse::json(200, "ok");
  });
  std::vector<HealthEndpoint> endpoints = {{"kube-apiserver", server.url() + "/readyz"}};
  WaitOptions o;
  o.timeout = std::chrono::seconds(10);
  o.interval = std::chrono::milliseconds(20);
  ASSERT_TRUE(wait_for_healthy(endpoints, o));
  EXPECT_GE(asked.load(), 3);
}

// init starts pulling the addons' images once the API server answers at all (issue 13): each
// component is reported once, at its first HTTP answer, whatever the status; one that never
// answers is never reported.
TEST(WaitForHealthy, ToldOnceWhenEachComponentFirstAnswers) {
  std::atomic<int> asked = 0;
  test::HttpTestServer server([&](const test::HttpRequest&) {
    ++asked;
    return test::HttpResponse::json(500, "[-]poststarthook/rbac/bootstrap-roles failed");
  });
  std::vector<HealthEndpoint> endpoints = {{"kube-apiserver", server.url() + "/readyz"},
                                           {"kube-scheduler", "https://127.0.0.1:1/livez"}};
  std::mutex mu;
  std::vector<std::string> answered;
  WaitOptions o;
  o.timeout = std::chrono::milliseconds(600);
  o.interval = std::chrono::milliseconds(50);
  o.answered = [&](const std::string& component) {
    std::lock_guard lock(mu);
    answered.push_back(component);
  };
  ASSERT_FALSE(wait_for_healthy(endpoints, o));  // neither is healthy
  EXPECT_GE(asked.load(), 2);
  std::lock_guard lock(mu);
  EXPECT_EQ(answered, std::vector<std::string>{"kube-apiserver"});
}
