#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/fs.h"
#include "config/profile.h"
#include "etcd/dry_run_members.h"
#include "lib/fake_runtime.h"
#include "lib/fixture_host.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "reset/cleanup_node.h"
#include "reset/confirm.h"
#include "reset/etcd_member.h"
#include "reset/mounts.h"
#include "reset/reset_phases.h"
#include "workflow/runner.h"

using namespace kadm;
using namespace kadm::reset;
namespace stdfs = std::filesystem;

namespace {

constexpr const char* kEtcdManifest = R"(apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.5:2379
    - --data-dir=/var/lib/etcd
    - --initial-advertise-peer-urls=https://10.0.0.5:2380
    - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.5:2379
    name: etcd
  hostNetwork: true
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: /srv/etcd-data
      type: DirectoryOrCreate
    name: etcd-data
)";

class FakeMembers final : public etcd::EtcdMembers {
 public:
  Result<std::vector<etcd::EtcdMember>> list() override {
    if (list_fails) return fail("connection refused");
    return members;
  }
  Status remove(const std::string& id) override {
    removed.push_back(id);
    return {};
  }
  std::vector<etcd::EtcdMember> members;
  std::vector<std::string> removed;
  bool list_fails = false;
};

// Hands a caller that owns its client a view of a fake the test keeps observing.
class ForwardMembers final : public etcd::EtcdMembers {
 public:
  explicit ForwardMembers(std::shared_ptr<FakeMembers> f) : m_f(std::move(f)) {}
  Result<std::vector<etcd::EtcdMember>> list() override { return m_f->list(); }
  Status remove(const std::string& id) override { return m_f->remove(id); }

 private:
  std::shared_ptr<FakeMembers> m_f;
};

// Effects whose commands fail (an unmount that does not work), recording everything.
class FailingCommandsEffects final : public plan::Effects {
 public:
  Status apply(const plan::Action& action) override {
    actions.push_back(action);
    if (std::holds_alternative<plan::RunCommand>(action)) return fail("exit 32");
    return {};
  }
  std::vector<plan::Action> actions;
};

std::vector<std::string> described(const std::vector<plan::Action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(plan::describe(a));
  return out;
}

// A node kadm initialised, plus things kadm did not create.
void kadm_node(test::FixtureHost& h) {
  for (auto p : {"/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf",
                 "/etc/kubernetes/kubelet.conf", "/etc/kubernetes/controller-manager.conf",
                 "/etc/kubernetes/scheduler.conf", "/etc/kubernetes/keep-me",
                 "/etc/kubernetes/manifests/kube-apiserver.yaml", "/etc/kubernetes/pki/ca.crt",
                 "/etc/kubernetes/tmp/kubeadm-backup/x", "/var/lib/kubelet/config.yaml",
                 "/etc/cni/net.d/10-bridge.conf"}) {
    h.write(p, "x");
  }
  h.write("/etc/kubernetes/manifests/etcd.yaml", kEtcdManifest);
  h.write("/srv/etcd-data/member/wal/0.wal", "x");
  h.write("/proc/self/mountinfo",
          "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
          "30 22 0:40 / /var/lib/kubelet rw - tmpfs tmpfs rw\n"
          "31 30 0:41 / /var/lib/kubelet/pods/abc/volumes/my\\040vol rw - tmpfs tmpfs rw\n"
          "32 22 0:42 / /var/lib/kubelet2/x rw - tmpfs tmpfs rw\n");
  h.services["kubelet"] = host::ServiceState{true, true, true, true};
}

std::string root_of(const test::FixtureHost& h, const std::string& path) {
  return h.real_path(path);
}

}  // namespace

TEST(ResetMounts, BelowDirOnlyDecodedDeepestFirst) {
  std::string info =
      "30 22 0:40 / /var/lib/kubelet rw - tmpfs tmpfs rw\n"
      "31 30 0:41 / /var/lib/kubelet/pods/a rw - tmpfs tmpfs rw\n"
      "33 31 0:43 / /var/lib/kubelet/pods/a/volumes/b\\040c rw - tmpfs tmpfs rw\n"
      "32 22 0:42 / /var/lib/kubelet2/x rw - tmpfs tmpfs rw\n";
  EXPECT_EQ(
      mounts_below(info, "/var/lib/kubelet/"),
      (std::vector<std::string>{"/var/lib/kubelet/pods/a/volumes/b c", "/var/lib/kubelet/pods/a"}));
}

TEST(ResetMounts, UnmountFlags) {
  EXPECT_EQ(*umount_options({"MNT_FORCE", "MNT_DETACH", "UMOUNT_NOFOLLOW"}),
            (std::vector<std::string>{"-f", "-l"}));
  auto bad = umount_options({"MNT_BOGUS"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("MNT_BOGUS"), std::string::npos);
}

TEST(ResetEtcd, ManifestFacts) {
  auto facts = parse_etcd_manifest(kEtcdManifest);
  ASSERT_TRUE(facts) << facts.error().text();
  EXPECT_EQ(facts->peer_urls, std::vector<std::string>{"https://10.0.0.5:2380"});
  EXPECT_EQ(facts->data_dir, "/srv/etcd-data");  // the hostPath wins over --data-dir
  EXPECT_EQ(facts->client_url, "https://127.0.0.1:2379");
  EXPECT_FALSE(parse_etcd_manifest("spec: [unclosed"));
  EXPECT_FALSE(parse_etcd_manifest("kind: Pod\nspec:\n  containers:\n  - command: [sh]\n"));
}

TEST(ResetEtcd, RemovesOwnMemberByPeerUrl) {
  FakeMembers m;
  m.members = {{"11", "a", {"https://10.0.0.4:2380"}}, {"22", "b", {"https://10.0.0.5:2380"}}};
  std::string id;
  auto r = remove_local_member(m, {"https://10.0.0.5:2380"}, &id);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, MemberOutcome::Removed);
  EXPECT_EQ(m.removed, std::vector<std::string>{"22"});
  EXPECT_EQ(id, "22");
}

TEST(ResetEtcd, OnlyMemberDryRunAndStrangerAreNotRemoved) {
  FakeMembers m;
  m.members = {{"22", "b", {"https://10.0.0.5:2380"}}};
  EXPECT_EQ(*remove_local_member(m, {"https://10.0.0.5:2380"}), MemberOutcome::OnlyMember);
  m.members.push_back({"11", "a", {"https://10.0.0.4:2380"}});
  {
    // A dry run's member client reads the list and only says what it would remove.
    auto shared = std::make_shared<FakeMembers>(m);
    etcd::DryRunMembers dry(std::make_unique<ForwardMembers>(shared));
    EXPECT_EQ(*remove_local_member(dry, {"https://10.0.0.5:2380"}), MemberOutcome::WouldRemove);
    EXPECT_TRUE(shared->removed.empty());
  }
  EXPECT_EQ(*remove_local_member(m, {"https://10.0.0.9:2380"}), MemberOutcome::NotAMember);
  EXPECT_TRUE(m.removed.empty());
  m.list_fails = true;
  EXPECT_FALSE(remove_local_member(m, {"https://10.0.0.5:2380"}));
}

TEST(ResetConfirm, OnlyYesProceeds) {
  for (const char* yes : {"y\n", "Y\n", "  y  \n"}) {
    std::istringstream in(yes);
    std::ostringstream out;
    EXPECT_TRUE(confirm_reset(in, out)) << yes;
    EXPECT_NE(out.str().find("[y/N]"), std::string::npos);
  }
  for (const char* no : {"n\n", "yes\n", "\n", ""}) {
    std::istringstream in(no);
    std::ostringstream out;
    EXPECT_FALSE(confirm_reset(in, out)) << no;
  }
}

TEST(ResetCleanup, RemovesExactlyKadmsPaths) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  kadm_node(h);
  plan::RecordingEffects effects;
  test::LogCapture log;
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, CleanupOptions{}, effects));
  auto r = [&](const std::string& p) { return root_of(h, p); };
  EXPECT_EQ(described(effects.actions),
            (std::vector<std::string>{
                "run systemctl stop kubelet",
                "run umount /var/lib/kubelet/pods/abc/volumes/my vol",
                "delete the contents of " + r("/etc/kubernetes/manifests"),
                "delete the contents of " + r("/var/lib/kubelet"),
                "delete the contents of " + r("/etc/kubernetes/pki"),
                "remove " + r("/etc/kubernetes/admin.conf"),
                "remove " + r("/etc/kubernetes/super-admin.conf"),
                "remove " + r("/etc/kubernetes/kubelet.conf"),
                "remove " + r("/etc/kubernetes/controller-manager.conf"),
                "remove " + r("/etc/kubernetes/scheduler.conf"),
            }));
  // No runtime client here: pods are not removed, which is a warning and nothing else.
  EXPECT_NE(log.str().find("Cannot reach the container runtime at "
                           "unix:///var/run/containerd/containerd.sock"),
            std::string::npos);
  EXPECT_NE(log.str().find("kube-apiserver.yaml"), std::string::npos);  // what is deleted is listed
}

TEST(ResetCleanup, RemovesKadmsAuditPolicyOnlyAndKeepsTheAuditLog) {
  for (bool kadms : {true, false}) {
    test::TempDir tmp;
    test::FixtureHost h(tmp.path());
    kadm_node(h);
    h.write("/etc/kubernetes/audit-policy.yaml",
            kadms ? config::audit_policy_yaml() : std::string("rules: [{level: None}]\n"));
    h.write("/var/log/kubernetes/audit/audit.log", "{}\n");
    plan::RecordingEffects effects;
    test::LogCapture log;
    ASSERT_TRUE(cleanup_node(h, ResetPaths{}, CleanupOptions{}, effects));
    auto all = described(effects.actions);
    auto removes = [&](const std::string& p) {
      return std::find(all.begin(), all.end(), "remove " + root_of(h, p)) != all.end();
    };
    EXPECT_EQ(removes("/etc/kubernetes/audit-policy.yaml"), kadms);
    for (const auto& line : all) EXPECT_EQ(line.find("/var/log/kubernetes"), std::string::npos);
    EXPECT_NE(log.str().find("audit log in /var/log/kubernetes/audit is kept"), std::string::npos);
    if (!kadms) {
      EXPECT_NE(log.str().find("not the audit policy kadm writes"), std::string::npos);
    }
  }
}

// The cis profile's etcd reads copies of its certificates from /etc/kubernetes/etcd-tls: reset
// empties that directory when it exists, and mentions it nowhere when it does not.
TEST(ResetCleanup, EmptiesEtcdsOwnTlsCopiesOnlyWhenPresent) {
  for (bool cis : {true, false}) {
    test::TempDir tmp;
    test::FixtureHost h(tmp.path());
    kadm_node(h);
    if (cis) h.write("/etc/kubernetes/etcd-tls/server.key", "key");
    plan::RecordingEffects effects;
    test::LogCapture log;
    ASSERT_TRUE(cleanup_node(h, ResetPaths{}, CleanupOptions{}, effects));
    auto all = described(effects.actions);
    const std::string emptied = "delete the contents of " + root_of(h, "/etc/kubernetes/etcd-tls");
    EXPECT_EQ(std::find(all.begin(), all.end(), emptied) != all.end(), cis) << "cis: " << cis;
    if (!cis) {
      for (const auto& line : all) EXPECT_EQ(line.find("etcd-tls"), std::string::npos) << line;
    }
  }
}

TEST(ResetCleanup, TmpDirOnlyOnRequestAndSandboxesRemovedThroughCri) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  kadm_node(h);
  auto node = std::make_shared<test::FakeNode>();
  cri::PodSandbox pod;
  pod.id = "aaa";
  node->sandboxes = {pod};
  plan::RecordingEffects effects;
  CleanupOptions o;
  o.cleanup_tmp_dir = true;
  o.cri_socket = "unix:///run/containerd/containerd.sock";
  o.runtime = test::fake_node_connector(node);
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, o, effects));
  auto all = described(effects.actions);
  auto has = [&](const std::string& s) {
    return std::find(all.begin(), all.end(), s) != all.end();
  };
  EXPECT_TRUE(has("delete the contents of " + root_of(h, "/etc/kubernetes/tmp")));
  EXPECT_EQ(node->connects, std::vector<std::string>{"unix:///run/containerd/containerd.sock"});
  EXPECT_TRUE(node->sandboxes.empty());
  // No program is run for it any more (the CRI client is kadm's own).
  for (const auto& line : all) EXPECT_EQ(line.find("crictl"), std::string::npos) << line;
}

TEST(ResetCleanup, SymlinkedWellKnownDirIsNotFollowed) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  kadm_node(h);
  // pki replaced by a link to somewhere kadm never wrote.
  h.write("/srv/precious/ca.crt", "keep");
  stdfs::remove_all(h.real_path("/etc/kubernetes/pki"));
  stdfs::create_directory_symlink(h.real_path("/srv/precious"), h.real_path("/etc/kubernetes/pki"));
  plan::RecordingEffects effects;
  test::LogCapture log;
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, CleanupOptions{}, effects));
  for (const auto& line : described(effects.actions)) {
    EXPECT_EQ(line.find("pki"), std::string::npos) << line;
    EXPECT_EQ(line.find("precious"), std::string::npos) << line;
  }
  EXPECT_NE(log.str().find("symbolic link"), std::string::npos);
}

TEST(ResetCleanup, LinkInsideWellKnownDirIsRemovedAsLinkOnly) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  h.write("/srv/precious/data", "keep");
  h.write("/etc/kubernetes/manifests/kube-apiserver.yaml", "x");
  stdfs::create_directory_symlink(h.real_path("/srv/precious"),
                                  h.real_path("/etc/kubernetes/manifests/escape"));
  plan::RealEffects effects;
  auto r = empty_well_known_dir(h, "/etc/kubernetes/manifests", effects);
  ASSERT_TRUE(r && *r);
  EXPECT_TRUE(h.list_dir("/etc/kubernetes/manifests").empty());
  EXPECT_TRUE(stdfs::is_directory(h.real_path("/etc/kubernetes/manifests")));
  EXPECT_EQ(h.read("/srv/precious/data"), "keep");
}

TEST(ResetCleanup, FailedUnmountKeepsKubeletDir) {
  test::TempDir tmp;
  test::FixtureHost h(tmp.path());
  kadm_node(h);
  FailingCommandsEffects effects;
  test::LogCapture log;
  ASSERT_TRUE(cleanup_node(h, ResetPaths{}, CleanupOptions{}, effects));
  for (const auto& line : described(effects.actions)) {
    EXPECT_NE(line, "delete the contents of " + root_of(h, "/var/lib/kubelet"));
  }
  EXPECT_NE(log.str().find("still mounted"), std::string::npos);
}

namespace {

struct WorkflowFixture {
  test::TempDir tmp;
  test::FixtureHost host{tmp.path()};
  std::istringstream in;
  std::ostringstream out;
  FakeMembers* members = nullptr;
  std::vector<std::string> etcd_calls;  // "<client url> <cert dir>" of each etcd client made
  std::shared_ptr<test::FakeNode> pods = std::make_shared<test::FakeNode>();
  ResetData data;

  explicit WorkflowFixture(const std::string& answer, bool force) : in(answer) {
    kadm_node(host);
    data.options.force = force;
    data.effects = std::make_unique<plan::RecordingEffects>();
    data.host = std::make_unique<test::FixtureHost>(tmp.path());
    static_cast<test::FixtureHost&>(*data.host).services = host.services;
    data.in = &in;
    data.out = &out;
    pods->sandboxes.resize(1);
    pods->sandboxes[0].id = "aaa";
    data.connect.cri = test::fake_node_connector(pods);
    auto fake = std::make_unique<FakeMembers>();
    fake->members = {{"11", "a", {"https://10.0.0.4:2380"}},
                     {"22", "b", {"https://10.0.0.5:2380"}}};
    members = fake.get();
    data.connect.etcd = [this, f = std::shared_ptr<FakeMembers>(std::move(fake))](
                            const std::string& url, const std::string& cert_dir,
                            const std::string&) -> Result<std::unique_ptr<etcd::EtcdMembers>> {
      etcd_calls.push_back(url + " " + cert_dir);
      return std::unique_ptr<etcd::EtcdMembers>(std::make_unique<ForwardMembers>(f));
    };
  }

  Status run() {
    workflow::Workflow<ResetData> wf(reset_phases());
    return wf.run({}, [&]() -> Result<ResetData*> { return &data; });
  }
  std::vector<std::string> actions() {
    return described(static_cast<plan::RecordingEffects&>(*data.effects).actions);
  }
};

}  // namespace

TEST(ResetWorkflow, NoAnswerChangesNothing) {
  WorkflowFixture f("n\n", false);
  test::LogCapture log;
  auto s = f.run();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("error execution phase preflight"), std::string::npos);
  EXPECT_TRUE(f.actions().empty());
  EXPECT_TRUE(f.members->removed.empty());
  EXPECT_TRUE(f.pods->calls.empty());
}

TEST(ResetWorkflow, YesRemovesMemberAndEtcdData) {
  WorkflowFixture f("y\n", false);
  test::LogCapture log;
  ASSERT_TRUE(f.run());
  EXPECT_EQ(f.members->removed, std::vector<std::string>{"22"});
  // The client is made for the manifest's loopback URL and the certificates where they are.
  ASSERT_EQ(f.etcd_calls.size(), 1u);
  EXPECT_EQ(f.etcd_calls[0], "https://127.0.0.1:2379 " + f.host.real_path("/etc/kubernetes/pki"));
  auto all = f.actions();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front(), "delete the contents of " + f.host.real_path("/srv/etcd-data"));
  EXPECT_NE(log.str().find("Deleting contents of the etcd data directory: /srv/etcd-data"),
            std::string::npos);
  EXPECT_TRUE(f.pods->sandboxes.empty());  // cleanup-node removed the pod through the CRI
}

TEST(ResetWorkflow, NotRootFailsPreflightUnlessIgnored) {
  WorkflowFixture f("", true);
  static_cast<test::FixtureHost&>(*f.data.host).euid = 1000;
  test::LogCapture log;
  EXPECT_FALSE(f.run());
  EXPECT_TRUE(f.actions().empty());
  f.data.options.ignore_preflight_errors = {"IsPrivilegedUser"};
  EXPECT_TRUE(f.run());
}

TEST(ResetWorkflow, LeftoversNameTheirCommands) {
  std::ostringstream out;
  print_leftovers(out);
  for (const auto& what : {"/etc/cni/net.d", "iptables", "ipvsadm --clear", "$HOME/.kube/config",
                           "container images", "/var/lib/containerd", "crictl rmi --prune"}) {
    EXPECT_NE(out.str().find(what), std::string::npos) << what;
  }
}
