// Reset's work in the container runtime (reset/pod_sandboxes.h) against a fake cri::Runtime:
// which socket it uses, that every sandbox is stopped then removed with retries, that it checks
// the runtime lists nothing afterwards, that an unreachable runtime is a warning naming the socket,
// and that --dry-run (DryRunRuntime + DryRunEffects) stops and removes nothing.
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "cri/dry_run_runtime.h"
#include "lib/fake_runtime.h"
#include "lib/fixture_host.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "plan/effects.h"
#include "reset/cleanup_node.h"
#include "reset/pod_sandboxes.h"

using namespace kadm;
using namespace kadm::reset;

namespace {

constexpr const char* kSocket = "unix:///run/containerd/containerd.sock";

cri::PodSandbox sandbox(const std::string& id, const std::string& name) {
  cri::PodSandbox p;
  p.id = id;
  p.metadata.name = name;
  p.metadata.namespace_ = "kube-system";
  return p;
}

cri::Container container(const std::string& id, const std::string& sandbox_id) {
  cri::Container c;
  c.id = id;
  c.pod_sandbox_id = sandbox_id;
  c.metadata.name = "c-" + id;
  c.state = cri::ContainerState::Running;
  return c;
}

// Three pods with a container each, as a control-plane node has them.
std::shared_ptr<test::FakeNode> busy_node() {
  auto node = std::make_shared<test::FakeNode>();
  node->sandboxes = {sandbox("aaa", "etcd-n1"), sandbox("bbb", "kube-apiserver-n1"),
                     sandbox("ccc", "kube-scheduler-n1")};
  node->containers = {container("c1", "aaa"), container("c2", "bbb"), container("c3", "ccc")};
  return node;
}

SandboxRemovalOptions no_pause() {
  SandboxRemovalOptions o;
  o.pause = std::chrono::milliseconds(0);
  return o;
}

std::size_t count_calls(const test::FakeNode& node, const std::string& prefix) {
  return static_cast<std::size_t>(std::ranges::count_if(
      node.calls, [&](const std::string& c) { return c.starts_with(prefix); }));
}

}  // namespace

TEST(ResetCriEndpoint, FlagThenKubeletFilesThenDefault) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  const std::filesystem::path kubelet = "/var/lib/kubelet";
  auto e = node_cri_endpoint(h, kubelet, "");
  EXPECT_EQ(e.endpoint, "unix:///var/run/containerd/containerd.sock");
  EXPECT_NE(e.source.find("default"), std::string::npos);

  h.write("/var/lib/kubelet/config.yaml",
          "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
          "containerRuntimeEndpoint: unix:///run/from-config.sock\n");
  EXPECT_EQ(node_cri_endpoint(h, kubelet, "").endpoint, "unix:///run/from-config.sock");

  h.write("/var/lib/kubelet/kubeadm-flags.env",
          "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/from-flags.sock "
          "--pod-infra-container-image=pause:3.10\"\n");
  EXPECT_EQ(node_cri_endpoint(h, kubelet, "").endpoint, "unix:///run/from-flags.sock");

  h.write("/var/lib/kubelet/instance-config.yaml",
          "containerRuntimeEndpoint: \"unix:///run/from-instance.sock\"\n");
  e = node_cri_endpoint(h, kubelet, "");
  EXPECT_EQ(e.endpoint, "unix:///run/from-instance.sock");
  EXPECT_EQ(e.source, "containerRuntimeEndpoint in /var/lib/kubelet/instance-config.yaml");

  e = node_cri_endpoint(h, kubelet, "unix:///run/flag.sock");
  EXPECT_EQ(e.endpoint, "unix:///run/flag.sock");
  EXPECT_NE(e.source.find("--cri-socket"), std::string::npos);
}

TEST(ResetCriEndpoint, ParsesTheKubeletFiles) {
  EXPECT_EQ(endpoint_from_flags_env(
                "KUBELET_KUBEADM_ARGS=\"--node-ip=10.0.0.5 --container-runtime-endpoint=unix:///"
                "var/run/crio/crio.sock\"\n"),
            "unix:///var/run/crio/crio.sock");
  EXPECT_EQ(endpoint_from_flags_env("KUBELET_KUBEADM_ARGS='--container-runtime-endpoint "
                                    "/run/x.sock --v=2'"),
            "/run/x.sock");
  EXPECT_EQ(endpoint_from_flags_env("KUBELET_KUBEADM_ARGS=\"--node-ip=10.0.0.5\"\n"), "");
  EXPECT_EQ(endpoint_from_kubelet_yaml("containerRuntimeEndpoint: unix:///a.sock\n"),
            "unix:///a.sock");
  EXPECT_EQ(endpoint_from_kubelet_yaml("kind: KubeletConfiguration\n"), "");
  EXPECT_EQ(endpoint_from_kubelet_yaml("containerRuntimeEndpoint: [unclosed"), "");
  EXPECT_EQ(endpoint_from_kubelet_yaml("- a list\n"), "");
}

TEST(ResetSandboxes, StopsThenRemovesEachAndChecksNoneLeft) {
  auto node = busy_node();
  test::FakeNodeRuntime runtime(node, kSocket);
  test::LogCapture log;
  auto r = remove_pod_sandboxes(runtime, no_pause());
  EXPECT_TRUE(r.reachable);
  EXPECT_TRUE(r.verified);
  EXPECT_EQ(r.found, 3u);
  EXPECT_EQ(r.removed, 3u);
  EXPECT_TRUE(r.failed.empty());
  EXPECT_TRUE(r.left.empty());
  EXPECT_TRUE(node->sandboxes.empty());
  EXPECT_TRUE(node->containers.empty());
  EXPECT_EQ(node->calls, (std::vector<std::string>{
                             "ListPodSandbox", "StopPodSandbox aaa", "RemovePodSandbox aaa",
                             "StopPodSandbox bbb", "RemovePodSandbox bbb", "StopPodSandbox ccc",
                             "RemovePodSandbox ccc", "ListPodSandbox", "ListContainers"}));
  EXPECT_NE(log.str().find("Removed 3 pod sandbox(es); the container runtime at " +
                           std::string(kSocket) + " lists no pod sandbox and no container now"),
            std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find("kube-system/kube-apiserver-n1 (bbb)"), std::string::npos);
}

TEST(ResetSandboxes, RetriesAFailingStopOrRemove) {
  auto node = busy_node();
  node->stop_failures["aaa"] = 2;    // third try works
  node->remove_failures["bbb"] = 4;  // fifth (last) try works
  test::FakeNodeRuntime runtime(node, kSocket);
  test::LogCapture log;
  auto r = remove_pod_sandboxes(runtime, no_pause());
  EXPECT_EQ(r.removed, 3u);
  EXPECT_TRUE(r.left.empty());
  EXPECT_EQ(count_calls(*node, "StopPodSandbox aaa"), 3u);
  EXPECT_EQ(count_calls(*node, "RemovePodSandbox aaa"), 1u);
  EXPECT_EQ(count_calls(*node, "StopPodSandbox bbb"), 5u);  // each try stops again first
  EXPECT_EQ(count_calls(*node, "RemovePodSandbox bbb"), 5u);
  EXPECT_EQ(log.str().find("Failed to remove"), std::string::npos);
}

TEST(ResetSandboxes, ASandboxGoneSinceTheListIsNotAFailure) {
  auto node = busy_node();
  node->vanishing = {"bbb"};  // e.g. removed by someone else between list and stop
  test::FakeNodeRuntime runtime(node, kSocket);
  test::LogCapture log;
  auto r = remove_pod_sandboxes(runtime, no_pause());
  EXPECT_EQ(r.removed, 3u);
  EXPECT_TRUE(r.failed.empty());
  EXPECT_EQ(count_calls(*node, "StopPodSandbox bbb"), 1u);
  EXPECT_EQ(count_calls(*node, "RemovePodSandbox bbb"), 1u);
  EXPECT_EQ(log.str().find("Failed to remove"), std::string::npos);
}

TEST(ResetSandboxes, GivesUpAfterFiveTriesAndSaysWhatIsLeft) {
  auto node = busy_node();
  node->remove_failures["bbb"] = 100;
  node->undying = {"ccc"};  // the runtime claims success but keeps it
  test::FakeNodeRuntime runtime(node, kSocket);
  test::LogCapture log;
  auto r = remove_pod_sandboxes(runtime, no_pause());
  EXPECT_EQ(r.found, 3u);
  EXPECT_EQ(r.removed, 2u);
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_NE(r.failed[0].find("kube-apiserver-n1 (bbb): removing it: RemovePodSandbox"),
            std::string::npos)
      << r.failed[0];
  EXPECT_EQ(count_calls(*node, "RemovePodSandbox bbb"), 5u);
  EXPECT_TRUE(r.verified);
  EXPECT_EQ(r.left, (std::vector<std::string>{"pod sandbox kube-system/kube-apiserver-n1 (bbb)",
                                              "pod sandbox kube-system/kube-scheduler-n1 (ccc)",
                                              "container c-c2 (c2) of sandbox bbb",
                                              "container c-c3 (c3) of sandbox ccc"}));
  EXPECT_NE(log.str().find("after 5 attempt(s)"), std::string::npos);
  EXPECT_NE(log.str().find("still lists 4 item(s)"), std::string::npos);
  EXPECT_EQ(log.str().find("lists no pod sandbox"), std::string::npos);
}

TEST(ResetSandboxes, UnreachableRuntimeIsAWarningNamingTheSocket) {
  auto node = busy_node();
  node->unreachable = true;
  test::LogCapture log;
  spdlog::set_pattern("%l: %v");  // this capture shows levels
  auto r = remove_pod_sandboxes(test::fake_node_connector(node), kSocket, no_pause());
  EXPECT_FALSE(r.reachable);
  EXPECT_EQ(r.removed, 0u);
  EXPECT_EQ(count_calls(*node, "Stop"), 0u);
  EXPECT_NE(log.str().find("warning: [reset] Cannot list the pod sandboxes"), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find(kSocket), std::string::npos);
  EXPECT_NE(log.str().find("were not removed"), std::string::npos);

  // A connector that cannot even make a client (a tcp:// endpoint, say) is the same warning.
  test::LogCapture log2;
  auto refuse = [](const std::string&) -> Result<std::unique_ptr<cri::Runtime>> {
    return fail(ErrorKind::Validation, "only unix:// sockets are supported");
  };
  EXPECT_FALSE(remove_pod_sandboxes(refuse, "tcp://10.0.0.1:1", no_pause()).reachable);
  EXPECT_NE(log2.str().find("Cannot reach the container runtime at tcp://10.0.0.1:1"),
            std::string::npos);
}

TEST(ResetSandboxes, EmptyRuntimeHasNothingToDo) {
  auto node = std::make_shared<test::FakeNode>();
  test::FakeNodeRuntime runtime(node, kSocket);
  test::LogCapture log;
  auto r = remove_pod_sandboxes(runtime, no_pause());
  EXPECT_TRUE(r.reachable);
  EXPECT_EQ(r.found, 0u);
  EXPECT_TRUE(r.left.empty());
  EXPECT_NE(log.str().find("lists no pod sandboxes; nothing to remove"), std::string::npos);
}

TEST(ResetSandboxes, DryRunRuntimeChangesNothingButReportsTheOutcome) {
  auto node = busy_node();
  cri::DryRunRuntime runtime(std::make_unique<test::FakeNodeRuntime>(node, kSocket));
  test::LogCapture log;
  auto options = no_pause();
  options.dry_run = true;
  auto r = remove_pod_sandboxes(runtime, options);
  EXPECT_EQ(r.removed, 3u);
  EXPECT_TRUE(r.left.empty());  // as the real run would end
  EXPECT_EQ(node->sandboxes.size(), 3u);
  EXPECT_EQ(node->containers.size(), 3u);
  EXPECT_EQ(count_calls(*node, "Stop"), 0u);
  EXPECT_EQ(count_calls(*node, "Remove"), 0u);
  EXPECT_NE(log.str().find("[dryrun] Would stop the pod sandbox aaa"), std::string::npos);
  EXPECT_NE(log.str().find("[dryrun] Would remove the pod sandbox ccc"), std::string::npos);
  EXPECT_NE(log.str().find("[dryrun] Would have removed 3 pod sandbox(es)"), std::string::npos);
  // Reads still reach the real runtime.
  EXPECT_EQ(runtime.list_pod_sandboxes({})->size(), 0u);
  EXPECT_EQ(count_calls(*node, "ListPodSandbox"), 3u);
}

TEST(ResetCleanupRuntime, KubeletStoppedFirstKubeletDirEmptiedAfter) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  h.write("/var/lib/kubelet/instance-config.yaml",
          "containerRuntimeEndpoint: \"unix:///run/k3.sock\"\n");
  h.write("/proc/self/mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  h.services["kubelet"] = host::ServiceState{true, true, true, true};
  auto node = busy_node();
  plan::RecordingEffects effects;
  std::vector<std::string> seen_at_connect;
  CleanupOptions o;
  o.sandbox_removal = no_pause();
  auto fake = test::fake_node_connector(node);
  o.runtime = [&](const std::string& endpoint) {
    for (const auto& a : effects.actions) seen_at_connect.push_back(plan::describe(a));
    return fake(endpoint);
  };
  test::LogCapture log;
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, o, effects));
  EXPECT_EQ(node->connects, std::vector<std::string>{"unix:///run/k3.sock"});
  EXPECT_EQ(seen_at_connect, std::vector<std::string>{"run systemctl stop kubelet"});
  EXPECT_TRUE(node->sandboxes.empty());
  bool kubelet_dir_emptied = std::ranges::any_of(effects.actions, [&](const plan::Action& a) {
    return plan::describe(a) == "delete the contents of " + h.real_path("/var/lib/kubelet");
  });
  EXPECT_TRUE(kubelet_dir_emptied);
  EXPECT_NE(log.str().find("Using the container runtime at unix:///run/k3.sock "
                           "(containerRuntimeEndpoint in /var/lib/kubelet/instance-config.yaml)"),
            std::string::npos);
}

TEST(ResetCleanupRuntime, DryRunTouchesNeitherFilesNorPods) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  h.write("/etc/kubernetes/admin.conf", "x");
  h.write("/var/lib/kubelet/config.yaml", "x");
  h.write("/proc/self/mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  auto node = busy_node();
  plan::DryRunEffects effects;
  CleanupOptions o;
  o.sandbox_removal = no_pause();
  o.cri_socket = kSocket;
  o.runtime = cri::dry_run_connector(test::fake_node_connector(node));
  test::LogCapture log;
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, o, effects));
  EXPECT_EQ(node->sandboxes.size(), 3u);
  EXPECT_EQ(count_calls(*node, "Stop"), 0u);
  EXPECT_EQ(count_calls(*node, "Remove"), 0u);
  EXPECT_EQ(h.read("/etc/kubernetes/admin.conf"), "x");
  EXPECT_NE(log.str().find("[dryrun] Would have removed 3 pod sandbox(es)"), std::string::npos);
}
