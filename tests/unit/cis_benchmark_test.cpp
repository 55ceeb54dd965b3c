#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cis/benchmark.h"

namespace kadm::cis {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(KADM_TEST_DATA_DIR) + "/manifests/1.37/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A node's files in memory: ids 0 = root, 990 = etcd, 1000 = alice.
class FakeNode final : public NodeView {
 public:
  struct Entry {
    std::string content;
    FileInfo info;
  };
  std::map<std::string, Entry> files;

  void file(const std::string& path, std::string content, mode_t mode, uid_t uid = 0,
            gid_t gid = 0) {
    files[path] = {std::move(content), {mode, uid, gid, false}};
  }
  void dir(const std::string& path, mode_t mode, uid_t uid = 0, gid_t gid = 0) {
    files[path] = {"", {mode, uid, gid, true}};
  }
  std::optional<FileInfo> stat(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second.info;
  }
  Result<std::string> read(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end() || it->second.info.is_dir) {
      return fail(ErrorKind::NotFound, path + ": no such file");
    }
    return it->second.content;
  }
  std::vector<std::string> list_recursive(const std::string& dir) const override {
    std::vector<std::string> out;
    for (const auto& [p, e] : files) {
      if (p.starts_with(dir + "/")) out.push_back(p);
    }
    return out;
  }
  std::string user_name(uid_t uid) const override { return name(uid); }
  std::string group_name(gid_t gid) const override { return name(gid); }

 private:
  static std::string name(unsigned id) {
    switch (id) {
      case 0:
        return "root";
      case 990:
        return "etcd";
      case 1000:
        return "alice";
    }
    return "";
  }
};

// Adds flags after the binary's name in a manifest's command.
std::string with_flags(std::string manifest, const std::string& binary,
                       const std::vector<std::string>& flags) {
  const std::string anchor = "    - " + binary + "\n";
  auto pos = manifest.find(anchor);
  EXPECT_NE(pos, std::string::npos) << binary;
  std::string add;
  for (const auto& f : flags) add += "    - " + f + "\n";
  manifest.insert(pos + anchor.size(), add);
  return manifest;
}

// Removes every "--flag=..." line of a manifest.
std::string without_flag(const std::string& manifest, std::string_view flag) {
  std::stringstream in(manifest);
  std::string out, line;
  const std::string prefix = "- " + std::string(flag) + "=";
  while (std::getline(in, line)) {
    if (line.find(prefix) != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

constexpr const char* kHardenedKubelet = R"(apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
rotateCertificates: true
serverTLSBootstrap: true
)";

constexpr const char* kKubeProxyConfigMap = R"(apiVersion: v1
kind: ConfigMap
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    metricsBindAddress: ""
)";

// A control plane that passes every check: kadm's v1.37 manifests plus the hardened flags.
FakeNode compliant_control_plane() {
  FakeNode n;
  n.dir("/etc/kubernetes", 0755);
  n.dir("/etc/kubernetes/manifests", 0700);
  n.file("/etc/kubernetes/manifests/kube-apiserver.yaml",
         with_flags(read_fixture("kube-apiserver.yaml"), "kube-apiserver",
                    {"--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100",
                     "--audit-log-path=/var/log/kubernetes/audit/audit.log",
                     "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
                     "--profiling=false", "--service-account-extend-token-expiration=false"}),
         0600);
  n.file("/etc/kubernetes/manifests/kube-controller-manager.yaml",
         with_flags(read_fixture("kube-controller-manager.yaml"), "kube-controller-manager",
                    {"--profiling=false"}),
         0600);
  n.file("/etc/kubernetes/manifests/kube-scheduler.yaml",
         with_flags(read_fixture("kube-scheduler.yaml"), "kube-scheduler", {"--profiling=false"}),
         0600);
  n.file("/etc/kubernetes/manifests/etcd.yaml", read_fixture("etcd.yaml"), 0600);
  n.dir("/var/lib/etcd", 0700, 990, 990);
  for (const char* f : {"admin.conf", "super-admin.conf", "scheduler.conf",
                        "controller-manager.conf", "kubelet.conf"}) {
    n.file(std::string("/etc/kubernetes/") + f, "kubeconfig", 0600);
  }
  n.dir("/etc/kubernetes/pki", 0755);
  n.file("/etc/kubernetes/pki/ca.crt", "cert", 0644);
  n.file("/etc/kubernetes/pki/ca.key", "key", 0600);
  n.dir("/etc/kubernetes/pki/etcd", 0755);
  n.file("/etc/kubernetes/pki/etcd/server.key", "key", 0600);
  n.file("/var/lib/kubelet/config.yaml", kHardenedKubelet, 0600);
  n.file("/var/lib/kubelet/kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--node-ip=10.0.0.1\"\n",
         0644);
  n.file("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n", 0600);
  n.file("/kube-proxy.yaml", kKubeProxyConfigMap, 0644);
  return n;
}

Options options() {
  Options o;
  o.kube_proxy_config = "/kube-proxy.yaml";
  return o;
}

std::set<std::string> failed_ids(const Report& r) {
  std::set<std::string> out;
  for (const auto& [id, s] : r.by_id()) {
    if (s == Status::Fail) out.insert(id);
  }
  return out;
}

std::string describe(const Report& r) {
  std::string out;
  for (const auto& f : r.findings) {
    if (f.status != Status::Pass) {
      out += std::string(f.check->id) + " " + std::string(status_name(f.status)) + ": " + f.detail +
             "\n";
    }
  }
  return out;
}

TEST(CisBenchmark, TableHasTheSixtyFiveScoredChecks) {
  std::set<std::string> ids;
  for (const auto& c : checks()) ids.insert(std::string(c.id));
  EXPECT_EQ(ids.size(), 65u);
  for (const char* id : {"1.1.1", "1.1.12", "1.1.19", "1.2.5", "1.2.30", "1.3.6", "1.4.2", "2.6",
                         "4.1.1", "4.1.10", "4.2.10", "4.3.1"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
  // Manual (unscored) recommendations are not in the table.
  for (const char* id : {"1.1.9", "1.1.20", "1.2.1", "1.2.9", "1.3.1", "2.7", "4.2.4"}) {
    EXPECT_FALSE(ids.contains(id)) << id;
  }
}

TEST(CisBenchmark, CompliantControlPlanePassesEverything) {
  FakeNode n = compliant_control_plane();
  auto r = evaluate(n, options());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->control_plane);
  EXPECT_EQ(r->count(Status::Fail), 0) << describe(*r);
  EXPECT_EQ(r->count(Status::NotApplicable), 0) << describe(*r);
  EXPECT_EQ(r->count(Status::Pass), 65);
}

TEST(CisBenchmark, KadmDefaultManifestsFailTheHardeningFlags) {
  FakeNode n = compliant_control_plane();
  n.file("/etc/kubernetes/manifests/kube-apiserver.yaml", read_fixture("kube-apiserver.yaml"),
         0600);
  n.file("/etc/kubernetes/manifests/kube-controller-manager.yaml",
         read_fixture("kube-controller-manager.yaml"), 0600);
  n.file("/etc/kubernetes/manifests/kube-scheduler.yaml", read_fixture("kube-scheduler.yaml"),
         0600);
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(failed_ids(*r), (std::set<std::string>{"1.2.5", "1.2.15", "1.2.16", "1.2.17", "1.2.18",
                                                   "1.2.19", "1.2.30", "1.3.2", "1.4.1"}));
}

TEST(CisBenchmark, WorkerGetsOnlyNodeChecks) {
  FakeNode n = compliant_control_plane();
  std::erase_if(n.files, [](const auto& kv) { return kv.first.starts_with("/etc/kubernetes/m"); });
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->control_plane);
  EXPECT_EQ(r->by_id().size(), 12u);  // 4.1.x (6) + 4.2.x (5) + 4.3.1
  EXPECT_EQ(r->count(Status::Fail), 0) << describe(*r);
}

TEST(CisBenchmark, ControlPlaneRoleWithoutManifestsFails) {
  FakeNode n = compliant_control_plane();
  std::erase_if(n.files, [](const auto& kv) { return kv.first.starts_with("/etc/kubernetes/m"); });
  Options o = options();
  o.role = NodeRole::ControlPlane;
  auto r = evaluate(n, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(failed_ids(*r).contains("1.1.1"));
  EXPECT_TRUE(failed_ids(*r).contains("1.2.15"));
  EXPECT_TRUE(failed_ids(*r).contains("2.1"));
}

// A value that breaks the row's expectation (and no other row's): `current` is the flag's value
// in the compliant node ("" when absent).
std::string bad_value(const Check& c, const std::string& current = "") {
  switch (c.op) {
    case Op::Eq:
      return c.value == "false" ? "true" : c.value == "true" ? "false" : "0.0.0.0";
    case Op::NotEq:
      return std::string(c.value);
    case Op::NotHave:
      return current.empty() ? std::string(c.value) : current + "," + std::string(c.value);
    case Op::Has:
      return c.value == "Node" ? "RBAC" : c.value == "RBAC" ? "Node" : "PodSecurity";
    case Op::Gte:
      return "1";
    case Op::HasSubstr:
      return "0.0.0.0:10249";
    default:
      return "x";
  }
}

std::string manifest_of(Source s) {
  switch (s) {
    case Source::ApiServer:
      return "kube-apiserver";
    case Source::ControllerManager:
      return "kube-controller-manager";
    case Source::Scheduler:
      return "kube-scheduler";
    default:
      return "etcd";
  }
}

// Breaks exactly what row `c` looks at.
void break_row(FakeNode& n, const Check& c) {
  const std::string subject(c.subject);
  switch (c.source) {
    case Source::FileMode:
    case Source::FileOwner: {
      std::string path = subject;
      const std::pair<std::string, std::string> vars[] = {
          {"{manifests}", "/etc/kubernetes/manifests"},
          {"{kubernetes}", "/etc/kubernetes"},
          {"{pki}", "/etc/kubernetes/pki"},
          {"{etcd-data-dir}", "/var/lib/etcd"},
          {"{kubelet-config}", "/var/lib/kubelet/config.yaml"},
          {"{kubelet-kubeconfig}", "/etc/kubernetes/kubelet.conf"},
          {"{kubelet-service}", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"}};
      for (const auto& [k, v] : vars) {
        if (auto p = path.find(k); p != std::string::npos) path.replace(p, k.size(), v);
      }
      // For a recursive check, break a file deep inside rather than the top.
      if (c.recursive) path = "/etc/kubernetes/pki/etcd/server.key";
      auto& info = n.files.at(path).info;
      if (c.source == Source::FileMode) {
        info.mode = info.is_dir ? 0755 : 0644;
      } else {
        info.uid = 1000;
      }
      return;
    }
    case Source::ApiServer:
    case Source::ControllerManager:
    case Source::Scheduler:
    case Source::Etcd: {
      const std::string path = "/etc/kubernetes/manifests/" + manifest_of(c.source) + ".yaml";
      const std::string& before = n.files.at(path).content;
      std::string current;
      if (auto pos = before.find("- " + subject + "="); pos != std::string::npos) {
        const auto start = pos + subject.size() + 3;
        current = before.substr(start, before.find('\n', start) - start);
      }
      std::string m = without_flag(before, subject);
      // A required flag fails by its absence; one whose absence is fine needs a bad value.
      if (c.op != Op::Set) {
        m = with_flags(m, manifest_of(c.source), {subject + "=" + bad_value(c, current)});
      }
      n.files.at(path).content = m;
      return;
    }
    case Source::Kubelet: {
      // The flag wins over config.yaml: a bad flag in the kubeadm-flags.env breaks the row.
      const std::string flag = subject.substr(0, subject.find('|'));
      auto& env = n.files.at("/var/lib/kubelet/kubeadm-flags.env").content;
      if (c.op == Op::Set) {
        // Remove the field from config.yaml instead.
        auto& cfg = n.files.at("/var/lib/kubelet/config.yaml").content;
        auto pos = cfg.find("    clientCAFile:");
        ASSERT_NE(pos, std::string::npos);
        cfg.erase(pos, cfg.find('\n', pos) - pos + 1);
      } else {
        env = "KUBELET_KUBEADM_ARGS=\"--node-ip=10.0.0.1 " + flag + "=" + bad_value(c) + "\"\n";
      }
      return;
    }
    case Source::KubeProxy:
      n.files.at("/kube-proxy.yaml").content =
          "metricsBindAddress: " + bad_value(c) + "\nkind: KubeProxyConfiguration\n";
      return;
  }
}

TEST(CisBenchmark, EveryRowFailsOnABadFixture) {
  for (const auto& c : checks()) {
    SCOPED_TRACE(std::string(c.id) + " " + std::string(c.text));
    FakeNode n = compliant_control_plane();
    break_row(n, c);
    auto r = evaluate(n, options());
    ASSERT_TRUE(r);
    EXPECT_EQ(failed_ids(*r), std::set<std::string>{std::string(c.id)}) << describe(*r);
  }
}

TEST(CisBenchmark, KubeletFlagOverridesConfigAndExtraArgsOverrideFlags) {
  FakeNode n = compliant_control_plane();
  n.file("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--anonymous-auth=true\n", 0644);
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(failed_ids(*r), std::set<std::string>{"4.2.1"});
}

TEST(CisBenchmark, MissingKubeletUnitIsNotApplicableAndNamed) {
  FakeNode n = compliant_control_plane();
  n.files.erase("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf");
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count(Status::Fail), 0);
  EXPECT_EQ(r->count(Status::NotApplicable), 2);
  for (const auto& f : r->findings) {
    if (f.check->id == "4.1.1") {
      EXPECT_NE(f.detail.find("10-kubeadm.conf"), std::string::npos);
    }
  }
}

TEST(CisBenchmark, EtcdDataDirComesFromTheManifest) {
  FakeNode n = compliant_control_plane();
  auto& etcd = n.files.at("/etc/kubernetes/manifests/etcd.yaml").content;
  etcd = without_flag(etcd, "--data-dir");
  etcd = with_flags(etcd, "etcd", {"--data-dir=/data/etcd"});
  n.dir("/data/etcd", 0755, 0, 0);
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(failed_ids(*r), (std::set<std::string>{"1.1.11", "1.1.12"}));
}

TEST(CisBenchmark, SetuidBitsAreNeverWithinAMask) {
  FakeNode n = compliant_control_plane();
  n.files.at("/etc/kubernetes/admin.conf").info.mode = 04600;
  auto r = evaluate(n, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(failed_ids(*r), std::set<std::string>{"1.1.13"});
}

TEST(CisBenchmark, HostViewReadsARootDirectory) {
  namespace stdfs = std::filesystem;
  const stdfs::path root = stdfs::temp_directory_path() / ("kadm-cis-" + std::to_string(getpid()));
  stdfs::create_directories(root / "etc/kubernetes/pki/etcd");
  std::ofstream(root / "etc/passwd") << "root:x:0:0::/root:/bin/sh\n";
  std::ofstream(root / "etc/kubernetes/pki/etcd/ca.crt") << "x";
  auto view = host_view(root.string());
  auto info = view->stat("/etc/kubernetes/pki/etcd/ca.crt");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->is_dir);
  EXPECT_EQ(view->list_recursive("/etc/kubernetes/pki").size(), 2u);
  EXPECT_EQ(view->user_name(0), "root");
  EXPECT_EQ(*view->read("/etc/kubernetes/pki/etcd/ca.crt"), "x");
  EXPECT_FALSE(view->stat("/nope"));
  stdfs::remove_all(root);
}

}  // namespace
}  // namespace kadm::cis
