#include <gtest/gtest.h>

#include <algorithm>

#include "common/net.h"
#include "config/defaults.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "preflight/check_sets.h"
#include "preflight/checks.h"
#include "preflight/names.h"

using namespace kadm;
using namespace kadm::preflight;

namespace {

config::KubeVersion v(int minor) { return config::KubeVersion{1, minor, 0, ""}; }

struct Fixture {
  test::TempDir dir;
  test::FixtureHost host{dir.path()};
};

std::vector<std::string> names(const std::vector<Check>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) out.push_back(c.name);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(CheckNames, DerivedFromPaths) {
  EXPECT_EQ(dir_available_name("/var/lib/etcd"), "DirAvailable--var-lib-etcd");
  EXPECT_EQ(file_available_name("/etc/kubernetes/manifests/kube-apiserver.yaml"),
            "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml");
  EXPECT_EQ(file_content_name("/proc/sys/net/ipv4/ip_forward"),
            "FileContent--proc-sys-net-ipv4-ip_forward");
  EXPECT_EQ(file_existing_name("crictl"), "FileExisting-crictl");
}

TEST(Checks, PrivilegedUser) {
  Fixture f;
  EXPECT_TRUE(is_privileged_user().run(f.host).ok());
  f.host.euid = 1000;
  EXPECT_EQ(is_privileged_user().run(f.host).errors,
            std::vector<std::string>{"user is not running as root"});
}

TEST(Checks, CpuAndMemory) {
  Fixture f;
  f.host.write("/sys/devices/system/cpu/online", "0\n");
  f.host.write("/proc/meminfo", "MemTotal: 1048576 kB\n");
  EXPECT_EQ(num_cpu(2).run(f.host).errors.at(0),
            "the number of available CPUs 1 is less than the required 2");
  EXPECT_EQ(mem(1700).run(f.host).errors.at(0),
            "the system RAM (1024 MB) is less than the minimum 1700 MB");
  f.host.write("/sys/devices/system/cpu/online", "0-1\n");
  f.host.write("/proc/meminfo", "MemTotal: 4194304 kB\n");
  EXPECT_TRUE(num_cpu(2).run(f.host).ok());
  EXPECT_TRUE(mem(1700).run(f.host).ok());
}

TEST(Checks, PortsFilesDirs) {
  Fixture f;
  EXPECT_TRUE(port_open(6443).run(f.host).ok());
  f.host.busy_ports.insert(6443);
  EXPECT_EQ(port_open(6443).run(f.host).errors.at(0), "Port 6443 is in use");
  auto fa = file_available("/etc/kubernetes/manifests/etcd.yaml");
  EXPECT_TRUE(fa.run(f.host).ok());
  f.host.write("/etc/kubernetes/manifests/etcd.yaml", "x");
  EXPECT_EQ(fa.run(f.host).errors.at(0), "/etc/kubernetes/manifests/etcd.yaml already exists");
  auto da = dir_available("/var/lib/etcd");
  EXPECT_TRUE(da.run(f.host).ok());
  f.host.write("/var/lib/etcd/member/x", "x");
  EXPECT_EQ(da.run(f.host).errors.at(0), "/var/lib/etcd is not empty");
}

TEST(Checks, FileContent) {
  Fixture f;
  auto c = file_content("/proc/sys/net/ipv4/ip_forward", "1", "net.ipv4.ip_forward");
  EXPECT_EQ(c.name, "FileContent--proc-sys-net-ipv4-ip_forward");
  EXPECT_EQ(c.run(f.host).errors.at(0), "/proc/sys/net/ipv4/ip_forward does not exist");
  f.host.write("/proc/sys/net/ipv4/ip_forward", "0\n");
  EXPECT_EQ(c.run(f.host).errors.at(0), "/proc/sys/net/ipv4/ip_forward contents are not set to 1");
  f.host.write("/proc/sys/net/ipv4/ip_forward", "1\n");
  EXPECT_TRUE(c.run(f.host).ok());
  EXPECT_TRUE(c.fix.has_value());
}

TEST(Checks, InPath) {
  Fixture f;
  EXPECT_EQ(in_path("crictl", Severity::Error).run(f.host).errors.at(0),
            "crictl not found in system path");
  EXPECT_EQ(in_path("socat", Severity::Warning).run(f.host).warnings.at(0),
            "socat not found in system path");
  f.host.add_executable("crictl");
  EXPECT_TRUE(in_path("crictl", Severity::Error).run(f.host).ok());
}

TEST(Checks, SwapIsWarningNowAndErrorForV120) {
  Fixture f;
  f.host.write("/proc/swaps", "Filename Type Size Used Priority\n");
  EXPECT_TRUE(swap(v(35)).run(f.host).ok());
  f.host.write("/proc/swaps", "Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n");
  auto now = swap(v(35)).run(f.host);
  ASSERT_EQ(now.warnings.size(), 1u);
  EXPECT_TRUE(now.errors.empty());
  EXPECT_NE(now.warnings[0].find("swap is supported for cgroup v2 only. The kubelet"),
            std::string::npos);
  auto old = swap(v(20)).run(f.host);
  EXPECT_EQ(old.errors,
            std::vector<std::string>{"running with swap on is not supported. Please disable swap"});
  EXPECT_EQ(swap(v(20)).severity, Severity::Error);
}

// kubeadm ≥ 1.28 only warns about swap, but the kubelet configuration kadm writes keeps
// failSwapOn: true unless the user's KubeletConfiguration says otherwise, and such a kubelet
// refuses to start: init's Swap check reads that configuration.
TEST(Checks, SwapOnIsAnErrorWhileTheKubeletWouldRefuseIt) {
  Fixture f;
  f.host.write("/proc/swaps", "Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n");
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  cfg.cluster.kubernetes_version = "v1.37.2";
  auto swap_check = [](const std::vector<Check>& checks) {
    auto it =
        std::find_if(checks.begin(), checks.end(), [](const Check& c) { return c.name == "Swap"; });
    EXPECT_NE(it, checks.end());
    return *it;
  };
  auto refused = swap_check(init_checks(cfg, v(37)));
  auto findings = refused.run(f.host);
  ASSERT_EQ(findings.errors.size(), 1u) << (findings.warnings.empty() ? "" : findings.warnings[0]);
  const std::string& e = findings.errors[0];
  EXPECT_NE(e.find("failSwapOn: true"), std::string::npos) << e;
  EXPECT_NE(e.find("swapoff -a"), std::string::npos) << e;         // fix 1: swap off
  EXPECT_NE(e.find("failSwapOn: false"), std::string::npos) << e;  // fix 2: the kubelet
  EXPECT_NE(e.find("swapBehavior"), std::string::npos) << e;
  EXPECT_EQ(refused.severity, Severity::Error);
  ASSERT_TRUE(refused.fix.has_value());  // --fix turns swap off
  EXPECT_NE(refused.fix->summary.find("swapoff -a"), std::string::npos);

  // A KubeletConfiguration that lets the kubelet run with swap: kubeadm's warning only.
  cfg.kubelet_config_yaml =
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      "failSwapOn: false\nmemorySwap:\n  swapBehavior: LimitedSwap\n";
  auto allowed = swap_check(init_checks(cfg, v(37))).run(f.host);
  EXPECT_TRUE(allowed.errors.empty()) << allowed.errors[0];
  EXPECT_EQ(allowed.warnings.size(), 1u);

  // A configuration that cannot be read is not taken as "swap allowed".
  cfg.kubelet_config_yaml = "kind: KubeletConfiguration\nfailSwapOn: maybe\n";
  auto unknown = swap_check(init_checks(cfg, v(37))).run(f.host);
  ASSERT_EQ(unknown.errors.size(), 1u);
  EXPECT_NE(unknown.errors[0].find("failSwapOn"), std::string::npos) << unknown.errors[0];

  // Swap off: nothing to say, whatever the kubelet thinks.
  f.host.write("/proc/swaps", "Filename Type Size Used Priority\n");
  cfg.kubelet_config_yaml.clear();
  EXPECT_TRUE(swap_check(init_checks(cfg, v(37))).run(f.host).ok());
  // A join does not know the cluster's kubelet configuration yet: the warning stays.
  f.host.write("/proc/swaps", "Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n");
  config::JoinConfiguration join;
  auto joined = swap_check(join_checks(join, v(37))).run(f.host);
  EXPECT_TRUE(joined.errors.empty());
  EXPECT_EQ(joined.warnings.size(), 1u);
}

TEST(Checks, SwapFstabSELinuxBridge) {
  Fixture f;
  EXPECT_TRUE(swap_fstab().run(f.host).ok());
  f.host.write("/etc/fstab",
               "UUID=1 / ext4 defaults 0 1\n#/old none swap sw 0 0\n/swapfile none swap sw 0 0\n");
  EXPECT_EQ(swap_fstab().run(f.host).warnings.size(), 1u);

  EXPECT_TRUE(selinux().run(f.host).ok());
  f.host.write("/sys/fs/selinux/enforce", "1");
  auto s = selinux().run(f.host);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("setenforce 0"), std::string::npos);
  f.host.write("/sys/fs/selinux/enforce", "0");
  f.host.write("/etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
  s = selinux().run(f.host);
  EXPECT_TRUE(s.errors.empty());
  EXPECT_EQ(s.warnings.size(), 1u);

  EXPECT_EQ(bridge_netfilter().run(f.host).warnings.size(), 2u);
  f.host.write("/proc/modules", "br_netfilter 32768 0 - Live 0x0\n");
  f.host.write("/etc/modules-load.d/k8s.conf", "overlay\nbr_netfilter\n");
  EXPECT_TRUE(bridge_netfilter().run(f.host).ok());
}

TEST(Checks, SysctlLiveAndPersisted) {
  Fixture f;
  auto c = sysctl("net.ipv4.ip_forward");
  EXPECT_EQ(c.name, "Sysctl-net.ipv4.ip_forward");
  f.host.write("/proc/sys/net/ipv4/ip_forward", "0\n");
  EXPECT_EQ(c.run(f.host).warnings.size(), 2u);
  f.host.write("/proc/sys/net/ipv4/ip_forward", "1\n");
  f.host.write("/etc/sysctl.d/k8s.conf", "net.ipv4.ip_forward = 1\n");
  EXPECT_TRUE(c.run(f.host).ok());
  // /etc/sysctl.conf is applied last and wins.
  f.host.write("/etc/sysctl.conf", "net.ipv4.ip_forward=0\n");
  auto r = c.run(f.host);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("/etc/sysctl.conf sets net.ipv4.ip_forward = 0"), std::string::npos);
}

TEST(Checks, Hostname) {
  Fixture f;
  f.host.write("/proc/sys/kernel/hostname", "node-1\n");
  f.host.write("/etc/hosts", "10.0.0.5 node-1\n");
  EXPECT_TRUE(hostname("", false).run(f.host).ok());
  EXPECT_EQ(hostname("Node_1", true).run(f.host).errors.size(), 1u);
  auto local = hostname("localhost", true).run(f.host);
  EXPECT_FALSE(local.warnings.empty());
  auto unknown = hostname("node-2", true).run(f.host);
  EXPECT_TRUE(has(unknown.warnings, "hostname \"node-2\" could not be reached"));
  EXPECT_TRUE(
      has(unknown.warnings, "the node name \"node-2\" differs from the host name \"node-1\""));
  EXPECT_TRUE(hostname("node-2", true).fix.has_value());
  EXPECT_FALSE(hostname("", false).fix.has_value());
  EXPECT_EQ(net::dns1123_subdomain_problem("a.b-c"), "");
  EXPECT_NE(net::dns1123_subdomain_problem("-a"), "");
}

TEST(Checks, KubeletVersionSkew) {
  Fixture f;
  EXPECT_NE(kubelet_version(v(35)).run(f.host).errors.at(0).find("couldn't get kubelet version"),
            std::string::npos);
  f.host.add_executable("kubelet");
  f.host.runner().outputs["kubelet"] = {0, "Kubernetes v1.35.2\n"};
  EXPECT_TRUE(kubelet_version(v(35)).run(f.host).ok());
  f.host.runner().outputs["kubelet"] = {0, "Kubernetes v1.31.0\n"};
  EXPECT_EQ(kubelet_version(v(35)).run(f.host).errors.at(0),
            "Kubelet version \"v1.31.0\" is lower than kadm can support. Please upgrade kubelet");
  f.host.runner().outputs["kubelet"] = {0, "Kubernetes v1.18.0\n"};
  EXPECT_FALSE(kubelet_version(v(20)).run(f.host).ok());
  f.host.runner().outputs["kubelet"] = {0, "Kubernetes v1.36.0\n"};
  EXPECT_NE(kubelet_version(v(35)).run(f.host).errors.at(0).find("higher than the control plane"),
            std::string::npos);
  // A worker join does not know the cluster's version yet: only the lower bound applies.
  EXPECT_TRUE(kubelet_version(v(35), /*refuse_newer=*/false).run(f.host).ok());
  f.host.runner().outputs["kubelet"] = {0, "Kubernetes v1.31.0\n"};
  EXPECT_FALSE(kubelet_version(v(35), /*refuse_newer=*/false).run(f.host).ok());
}

// kadm's own release is the newest it targets: its default version draws no "greater than kadm"
// warning, the next minor does.
TEST(Checks, KubernetesVersionAgainstTheNewestTarget) {
  Fixture f;
  const auto& newest = newest_supported_version();
  EXPECT_EQ(newest.str(), std::string(config::default_kubernetes_version()));
  EXPECT_TRUE(kubernetes_version(newest.str(), newest).run(f.host).ok());
  std::string next = "v1." + std::to_string(newest.minor + 1) + ".0";
  EXPECT_EQ(kubernetes_version(next, newest).run(f.host).warnings.size(), 1u);
}

TEST(Checks, ServiceKubeletAndFirewalld) {
  Fixture f;
  EXPECT_EQ(service_kubelet().run(f.host).warnings.at(0), "kubelet service does not exist");
  f.host.services["kubelet.service"] = {true, true, false, false};
  EXPECT_EQ(service_kubelet().run(f.host).warnings.at(0),
            "kubelet service is not enabled, please run 'systemctl enable kubelet.service'");
  f.host.services["kubelet.service"] = {true, true, true, false};
  EXPECT_TRUE(service_kubelet().run(f.host).ok());
  EXPECT_TRUE(firewalld({6443, 10250}).run(f.host).ok());
  f.host.services["firewalld"] = {true, true, true, true};
  EXPECT_EQ(firewalld({6443, 10250}).run(f.host).warnings.at(0),
            "firewalld is active, please ensure ports [6443 10250] are open or your cluster may "
            "not function correctly");
}

TEST(Checks, Proxies) {
  Fixture f;
  EXPECT_TRUE(http_proxy("10.0.0.5").run(f.host).ok());
  f.host.env_vars["https_proxy"] = "http://proxy:3128";
  EXPECT_EQ(http_proxy("10.0.0.5").run(f.host).warnings.at(0),
            "Connection to \"https://10.0.0.5\" uses proxy \"http://proxy:3128\". If that is not "
            "intended, adjust your proxy settings");
  f.host.env_vars["NO_PROXY"] = "example.com,10.0.0.0/8";
  EXPECT_TRUE(http_proxy("10.0.0.5").run(f.host).ok());
  EXPECT_TRUE(http_proxy("api.example.com:6443").run(f.host).ok());
  auto cidr = http_proxy_cidr({"10.96.0.0/12", "192.168.0.0/16"}).run(f.host);
  ASSERT_EQ(cidr.warnings.size(), 1u);
  EXPECT_EQ(cidr.warnings[0].rfind("connection to \"192.168.0.0/16\" uses proxy", 0), 0u);
}

TEST(Checks, NetworkOverlap) {
  Fixture f;
  EXPECT_TRUE(network_overlap("192.168.0.0/16", "10.96.0.0/12").run(f.host).ok());
  EXPECT_EQ(network_overlap("10.96.0.0/16", "10.96.0.0/12").run(f.host).errors.size(), 1u);
  f.host.addresses.push_back({"eth0", "192.168.1.10", 24});
  auto r = network_overlap("192.168.0.0/16", "10.96.0.0/12").run(f.host);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("eth0"), std::string::npos);
}

TEST(Checks, CgroupDriverAgreement) {
  Fixture f;
  EXPECT_TRUE(cgroup_driver("systemd").run(f.host).ok());
  f.host.write("/etc/containerd/config.toml", "[plugins.runc.options]\n  SystemdCgroup = false\n");
  EXPECT_EQ(cgroup_driver("systemd").run(f.host).warnings.size(), 1u);
  f.host.write("/var/lib/kubelet/config.yaml",
               "kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n");
  EXPECT_TRUE(cgroup_driver("systemd").run(f.host).ok());
}

TEST(Checks, SystemVerification) {
  Fixture f;
  EXPECT_EQ(system_verification().run(f.host).errors.size(), 1u);  // no cgroup files
  f.host.write("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
  auto r = system_verification().run(f.host);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.warnings, std::vector<std::string>{"missing optional cgroups: hugetlb"});
  f.host.write("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io pids hugetlb\n");
  EXPECT_EQ(system_verification().run(f.host).errors,
            std::vector<std::string>{"missing required cgroups: memory"});
  f.host.kernel = "3.2.0";
  EXPECT_EQ(system_verification().run(f.host).errors.size(), 2u);
}

TEST(Checks, CriAndVersion) {
  Fixture f;
  EXPECT_NE(cri_check("").run(f.host).errors.at(0).find("no container runtime socket found"),
            std::string::npos);
  EXPECT_NE(cri_check("unix:///run/x.sock").run(f.host).errors.at(0).find("could not connect"),
            std::string::npos);
  EXPECT_TRUE(kubernetes_version("v1.35.0", v(36)).run(f.host).ok());
  EXPECT_EQ(kubernetes_version("v1.37.0", v(36)).run(f.host).warnings.size(), 1u);
  EXPECT_EQ(kubernetes_version("banana", v(36)).run(f.host).errors.size(), 1u);
}

TEST(CheckSets, InitFollowsTargetVersionAndConfig) {
  config::InitConfiguration cfg;
  cfg.local_api_endpoint.bind_port = 7443;
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.etcd.local = config::LocalEtcd{};
  cfg.cluster.etcd.local->data_dir = "/data/etcd";
  auto now = names(init_checks(cfg, v(35)));
  EXPECT_EQ(now.front(), "IsPrivilegedUser");
  for (auto n : {"NumCPU",
                 "Mem",
                 "KubernetesVersion",
                 "Firewalld",
                 "Port-7443",
                 "Port-10259",
                 "Port-10257",
                 "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml",
                 "FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml",
                 "FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml",
                 "FileAvailable--etc-kubernetes-manifests-etcd.yaml",
                 "Port-2379",
                 "Port-2380",
                 "DirAvailable--data-etcd",
                 "HTTPProxyCIDR",
                 "Swap",
                 "CRI",
                 "FileContent--proc-sys-net-ipv4-ip_forward",
                 "FileExisting-crictl",
                 "Hostname",
                 "Service-Kubelet",
                 "Port-10250",
                 "KubeletVersion",
                 "SystemVerification",
                 "SELinux",
                 "BridgeNetfilter",
                 "Sysctl-net.ipv4.ip_forward",
                 "NetworkOverlap"}) {
    EXPECT_TRUE(has(now, n)) << n;
  }
  EXPECT_FALSE(has(now, "Port-6443"));
  EXPECT_FALSE(has(now, "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables"));
  EXPECT_FALSE(has(now, "FileExisting-conntrack"));
  auto old = names(init_checks(cfg, v(20)));
  EXPECT_TRUE(has(old, "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables"));
  EXPECT_TRUE(has(old, "FileExisting-conntrack"));
  cfg.cluster.etcd.local.reset();
  cfg.cluster.etcd.external = config::ExternalEtcd{{"https://e:2379"}, "/ca", "/c", "/k"};
  auto ext = names(init_checks(cfg, v(35)));
  EXPECT_FALSE(has(ext, "Port-2379"));
  EXPECT_TRUE(has(ext, "ExternalEtcdClientCertificates"));
}

TEST(CheckSets, JoinWorkerAndControlPlane) {
  config::JoinConfiguration cfg;
  cfg.discovery.bootstrap_token = config::BootstrapTokenDiscovery{"t", "10.0.0.1:6443", {}, false};
  auto worker = names(join_checks(cfg, v(35)));
  EXPECT_EQ(worker.front(), "IsPrivilegedUser");
  for (auto n :
       {"DirAvailable--etc-kubernetes-manifests", "FileAvailable--etc-kubernetes-kubelet.conf",
        "FileAvailable--etc-kubernetes-bootstrap-kubelet.conf",
        "FileAvailable--etc-kubernetes-pki-ca.crt", "HTTPProxy", "Swap", "Port-10250"}) {
    EXPECT_TRUE(has(worker, n)) << n;
  }
  EXPECT_FALSE(has(worker, "Port-6443"));
  cfg.control_plane = config::JoinControlPlane{{"10.0.0.2", 6443}, ""};
  auto cp = names(join_checks(cfg, v(35)));
  EXPECT_TRUE(has(cp, "Port-6443"));
  EXPECT_TRUE(has(cp, "DirAvailable--var-lib-etcd"));
  EXPECT_FALSE(has(cp, "FileAvailable--etc-kubernetes-pki-ca.crt"));
  EXPECT_EQ(std::count(cp.begin(), cp.end(), "IsPrivilegedUser"), 1);
  EXPECT_EQ(std::count(cp.begin(), cp.end(), "Swap"), 1);
}
