#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/yaml_emit.h"
#include "config/defaults.h"
#include "lib/paths_host.h"
#include "manifests/images.h"
#include "manifests/pod_specs.h"
#include "manifests/version_table.h"
#include "manifests/write.h"

namespace kadm::manifests {
namespace {

constexpr const char* kRepo = "mirror.example.test/lfy_k8s_images";

config::InitConfiguration test_config(const std::string& version) {
  config::InitConfiguration cfg;
  cfg.local_api_endpoint = {"192.168.0.10", 6443};
  cfg.node_registration.name = "cp-1";
  cfg.timeouts.control_plane_component_health_check = std::chrono::minutes(4);
  auto& c = cfg.cluster;
  c.kubernetes_version = version;
  c.image_repository = kRepo;
  c.certificates_dir = "/etc/kubernetes/pki";
  c.cluster_name = "kubernetes";
  c.networking = {"10.96.0.0/12", "", "cluster.local"};
  c.etcd.local = config::LocalEtcd{};
  c.etcd.local->data_dir = "/var/lib/etcd";
  return cfg;
}

// An Ubuntu-like host (the spec's v1.20.7 capture): no /etc/pki, no proxy variables.
test::PathsHost test_host() {
  test::PathsHost h;
  h.dirs = {"/etc/ca-certificates", "/usr/share/ca-certificates",
            "/usr/local/share/ca-certificates"};
  return h;
}

std::vector<std::string> flags(const Pod& pod) {
  return {pod.container.command.begin() + 1, pod.container.command.end()};
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Golden manifests: one directory per supported minor. KADM_UPDATE_GOLDEN=1 rewrites them.
TEST(ManifestsGolden, EveryMinorMatchesGoldenFiles) {
  const std::filesystem::path root = std::filesystem::path(KADM_TEST_DATA_DIR) / "manifests";
  const bool update = std::getenv("KADM_UPDATE_GOLDEN") != nullptr;
  for (int minor = kOldestSupportedMinor; minor <= kNewestSupportedMinor; ++minor) {
    const std::string version = minor == 20 ? "v1.20.9" : "v1." + std::to_string(minor) + ".0";
    const auto cfg = test_config(version);
    const auto host = test_host();
    std::vector<Result<Pod>> pods = {apiserver_pod(cfg, host), controller_manager_pod(cfg, host),
                                     scheduler_pod(cfg, host), etcd_pod(cfg, {}, host)};
    const auto dir = root / ("1." + std::to_string(minor));
    for (const auto& pod : pods) {
      ASSERT_TRUE(pod.has_value()) << version << ": " << pod.error().text();
      const auto file = dir / (pod->name + ".yaml");
      if (update) {
        std::filesystem::create_directories(dir);
        std::ofstream(file) << to_yaml(*pod);
      }
      EXPECT_EQ(to_yaml(*pod), read_text(file)) << file;
    }
  }
}

TEST(ManifestsV120, ApiserverFlagsMatchSpec) {
  const auto pod = apiserver_pod(test_config("v1.20.9"), test_host());
  ASSERT_TRUE(pod);
  const std::vector<std::string> expected = {
      "--advertise-address=192.168.0.10",
      "--allow-privileged=true",
      "--authorization-mode=Node,RBAC",
      "--client-ca-file=/etc/kubernetes/pki/ca.crt",
      "--enable-admission-plugins=NodeRestriction",
      "--enable-bootstrap-token-auth=true",
      "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
      "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
      "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
      "--etcd-servers=https://127.0.0.1:2379",
      "--insecure-port=0",
      "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
      "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
      "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
      "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
      "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-username-headers=X-Remote-User",
      "--secure-port=6443",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
      "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
      "--service-cluster-ip-range=10.96.0.0/12",
      "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
      "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
  };
  EXPECT_EQ(flags(*pod), expected);
  EXPECT_EQ(pod->container.command.front(), "kube-apiserver");
  EXPECT_FALSE(pod->priority.has_value());
  EXPECT_FALSE(pod->seccomp_profile_type.has_value());
  EXPECT_TRUE(pod->creation_timestamp_null);
  std::vector<std::string> volumes;
  for (const auto& v : pod->volumes) volumes.push_back(v.name);
  EXPECT_EQ(volumes, (std::vector<std::string>{"ca-certs", "etc-ca-certificates", "k8s-certs",
                                               "usr-local-share-ca-certificates",
                                               "usr-share-ca-certificates"}));
  ASSERT_TRUE(pod->container.startup_probe);
  EXPECT_EQ(pod->container.startup_probe->failure_threshold, 24);
  EXPECT_EQ(std::get<int>(pod->container.liveness_probe->port), 6443);
}

TEST(ManifestsV120, SchedulerControllerManagerAndEtcdDifferences) {
  const auto cfg = test_config("v1.20.9");
  const auto sched = scheduler_pod(cfg, test_host());
  ASSERT_TRUE(sched);
  EXPECT_TRUE(has(flags(*sched), "--port=0"));
  EXPECT_EQ(sched->container.liveness_probe->path, "/healthz");
  EXPECT_FALSE(sched->container.readiness_probe.has_value());
  const auto kcm = controller_manager_pod(cfg, test_host());
  ASSERT_TRUE(kcm);
  EXPECT_TRUE(has(flags(*kcm), "--port=0"));
  const auto etcd = etcd_pod(cfg, {}, test_host());
  ASSERT_TRUE(etcd);
  EXPECT_EQ(etcd->container.image, std::string(kRepo) + "/etcd:3.4.13-0");
  EXPECT_EQ(etcd->container.liveness_probe->path, "/health");
  EXPECT_EQ(etcd->container.startup_probe->path, "/health");
  EXPECT_TRUE(etcd->container.resource_requests.empty());
  // spec §3.6 table minus the two etcd-3.6 rows and initial-cluster-state (joining only)
  EXPECT_EQ(flags(*etcd).size(), 17u);
  EXPECT_TRUE(has(flags(*etcd), "--initial-cluster=cp-1=https://192.168.0.10:2380"));
}

TEST(ManifestsCurrent, NamedProbePortsAndEtcd36Flags) {
  const auto cfg = test_config("v1.37.2");
  const auto etcd = etcd_pod(cfg, {}, test_host());
  ASSERT_TRUE(etcd);
  EXPECT_TRUE(has(flags(*etcd), "--feature-gates=InitialCorruptCheck=true"));
  EXPECT_TRUE(has(flags(*etcd), "--watch-progress-notify-interval=5s"));
  EXPECT_EQ(std::get<std::string>(etcd->container.readiness_probe->port), "probe-port");
  ASSERT_EQ(etcd->container.ports.size(), 1u);
  EXPECT_EQ(etcd->container.ports[0].container_port, 2381);
  const auto etcd33 = etcd_pod(test_config("v1.33.4"), {}, test_host());
  ASSERT_TRUE(etcd33);
  EXPECT_TRUE(has(flags(*etcd33), "--experimental-initial-corrupt-check=true"));
  EXPECT_TRUE(has(flags(*etcd33), "--experimental-watch-progress-notify-interval=5s"));
}

TEST(ManifestsArgs, UserArgsOverrideAndKeepOrderOnCurrentVersions) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.api_server.extra_args = {{"service-account-issuer", "https://new.example.test"},
                                       {"service-account-issuer", "https://old.example.test"},
                                       {"audit-log-path", "/var/log/audit.log"}};
  const auto pod = apiserver_pod(cfg, test_host());
  ASSERT_TRUE(pod);
  const auto f = flags(*pod);
  ASSERT_GE(f.size(), 3u);
  // Defaults sorted first, then the user's args exactly in the user's order.
  EXPECT_EQ(f[f.size() - 3], "--service-account-issuer=https://new.example.test");
  EXPECT_EQ(f[f.size() - 2], "--service-account-issuer=https://old.example.test");
  EXPECT_EQ(f[f.size() - 1], "--audit-log-path=/var/log/audit.log");
  EXPECT_EQ(std::count_if(
                f.begin(), f.end(),
                [](const std::string& s) { return s.starts_with("--service-account-issuer="); }),
            2);
}

TEST(ManifestsArgs, OlderVersionsSortEverythingByNameThenValue) {
  const auto merged = merge_args({{"b", "1"}, {"a", "x"}, {"c", "d"}},
                                 {{"c", "9"}, {"c", "10"}, {"a0", "y"}}, false);
  EXPECT_EQ(merged, (std::vector<std::string>{"--a=x", "--a0=y", "--b=1", "--c=10", "--c=9"}));
  const auto kept = merge_args({{"b", "1"}, {"a", "x"}, {"c", "d"}},
                               {{"c", "9"}, {"c", "10"}, {"a0", "y"}}, true);
  EXPECT_EQ(kept, (std::vector<std::string>{"--a=x", "--b=1", "--c=9", "--c=10", "--a0=y"}));
}

TEST(ManifestsArgs, BindAddressMovesProbeHost) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.scheduler.extra_args = {{"bind-address", "0.0.0.0"}};
  cfg.cluster.controller_manager.extra_args = {{"bind-address", "10.0.0.5"}};
  EXPECT_EQ(scheduler_pod(cfg, test_host())->container.liveness_probe->host, "");
  EXPECT_EQ(controller_manager_pod(cfg, test_host())->container.liveness_probe->host, "10.0.0.5");
}

TEST(ManifestsVersions, UnsupportedVersionsNameTheRange) {
  for (const char* v : {"v1.19.16", "v1.38.0", "v2.0.0"}) {
    const auto pod = apiserver_pod(test_config(v), test_host());
    ASSERT_FALSE(pod) << v;
    EXPECT_NE(pod.error().text().find("v1.20 ... v1.37"), std::string::npos) << pod.error().text();
  }
  const auto label = version_row("stable-1");
  ASSERT_FALSE(label);
  EXPECT_NE(label.error().text().find("exact release"), std::string::npos);
  EXPECT_EQ(version_row("v1.36.9")->minor, 36);
}

TEST(ManifestsEtcd, ExternalEtcd) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.etcd.local.reset();
  cfg.cluster.etcd.external =
      config::ExternalEtcd{{"https://10.0.0.1:2379", "https://10.0.0.2:2379"},
                           "/etc/etcd/pki/ca.crt",
                           "/etc/etcd/pki/client/apiserver.crt",
                           "/etc/kubernetes/pki/etcd-client.key"};
  const auto pod = apiserver_pod(cfg, test_host());
  ASSERT_TRUE(pod);
  const auto f = flags(*pod);
  EXPECT_TRUE(has(f, "--etcd-servers=https://10.0.0.1:2379,https://10.0.0.2:2379"));
  EXPECT_TRUE(has(f, "--etcd-cafile=/etc/etcd/pki/ca.crt"));
  EXPECT_TRUE(has(f, "--etcd-certfile=/etc/etcd/pki/client/apiserver.crt"));
  EXPECT_TRUE(has(f, "--etcd-keyfile=/etc/kubernetes/pki/etcd-client.key"));
  std::vector<std::string> etcd_vols;
  for (const auto& v : pod->volumes) {
    if (v.name.starts_with("etcd-certs")) etcd_vols.push_back(v.name + "=" + v.path);
  }
  EXPECT_EQ(etcd_vols, (std::vector<std::string>{"etcd-certs-0=/etc/etcd/pki"}));
  EXPECT_FALSE(etcd_pod(cfg, {}, test_host()));
  const auto list = images(cfg);
  ASSERT_TRUE(list);
  EXPECT_TRUE(std::none_of(list->begin(), list->end(),
                           [](const std::string& i) { return i.find("/etcd:") != i.npos; }));
}

TEST(ManifestsEtcd, JoiningMemberListsTheCluster) {
  const auto pod = etcd_pod(
      test_config("v1.37.2"),
      {{"cp-0", "https://192.168.0.9:2380"}, {"cp-1", "https://192.168.0.10:2380"}}, test_host());
  ASSERT_TRUE(pod);
  EXPECT_TRUE(
      has(flags(*pod),
          "--initial-cluster=cp-0=https://192.168.0.9:2380,cp-1=https://192.168.0.10:2380"));
  EXPECT_TRUE(has(flags(*pod), "--initial-cluster-state=existing"));
}

TEST(ManifestsIPv6, LoopbackAndBracketedForms) {
  auto cfg = test_config("v1.37.2");
  cfg.local_api_endpoint.advertise_address = "fd00::10";
  const auto api = apiserver_pod(cfg, test_host());
  ASSERT_TRUE(api);
  EXPECT_TRUE(has(flags(*api), "--etcd-servers=https://[::1]:2379"));
  EXPECT_EQ(api->annotations.at("kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"),
            "[fd00::10]:6443");
  EXPECT_EQ(api->container.liveness_probe->host, "fd00::10");
  const auto etcd = etcd_pod(cfg, {}, test_host());
  ASSERT_TRUE(etcd);
  EXPECT_TRUE(has(flags(*etcd), "--listen-client-urls=https://[::1]:2379,https://[fd00::10]:2379"));
  EXPECT_TRUE(has(flags(*etcd), "--listen-metrics-urls=http://[::1]:2381"));
  EXPECT_TRUE(has(flags(*etcd), "--advertise-client-urls=https://[fd00::10]:2379"));
  EXPECT_EQ(etcd->container.liveness_probe->host, "::1");
  EXPECT_NE(to_yaml(*api).find("endpoint: '[fd00::10]:6443'"), std::string::npos);
}

TEST(ManifestsEnv, ProxyVariablesAndExtraEnvs) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.api_server.extra_envs = {{"NO_PROXY", "10.0.0.0/8"}, {"FOO", "bar"}};
  auto host = test_host();
  host.env_entries = {"HTTPS_PROXY=http://proxy.example.test:3128", "NO_PROXY=localhost",
                      "PATH=/usr/bin", "http_proxy=", "no_proxy=127.0.0.1"};
  const auto pod = apiserver_pod(cfg, host);
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->container.env,
            (std::vector<config::EnvVar>{{"FOO", "bar"},
                                         {"HTTPS_PROXY", "http://proxy.example.test:3128"},
                                         {"NO_PROXY", "10.0.0.0/8"},
                                         {"no_proxy", "127.0.0.1"}}));
  EXPECT_TRUE(etcd_pod(cfg, {}, host)->container.env.empty());
}

TEST(ManifestsVolumes, ExtraVolumesOverrideByName) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.api_server.extra_volumes = {
      {"audit", "/var/log/k8s", "/var/log/k8s", false, "DirectoryOrCreate"},
      {"ca-certs", "/opt/certs", "/etc/ssl/certs", true, ""}};
  const auto pod = apiserver_pod(cfg, test_host());
  ASSERT_TRUE(pod);
  const auto yaml = to_yaml(*pod);
  EXPECT_NE(yaml.find("  - hostPath:\n      path: /opt/certs\n    name: ca-certs\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("    - mountPath: /var/log/k8s\n      name: audit\n"), std::string::npos);
}

TEST(ManifestsYaml, ScalarsQuotedLikeGo) {
  EXPECT_EQ(yaml::scalar(""), "\"\"");
  EXPECT_EQ(yaml::scalar("true"), "\"true\"");
  EXPECT_EQ(yaml::scalar("10"), "\"10\"");
  EXPECT_EQ(yaml::scalar("1.5"), "\"1.5\"");
  EXPECT_EQ(yaml::scalar("250m"), "250m");
  EXPECT_EQ(yaml::scalar("--controllers=*,bootstrapsigner"), "--controllers=*,bootstrapsigner");
  EXPECT_EQ(yaml::scalar("*,x"), "'*,x'");
  EXPECT_EQ(yaml::scalar("a: b"), "'a: b'");
  EXPECT_EQ(yaml::scalar("/health?exclude=NOSPACE&serializable=true"),
            "/health?exclude=NOSPACE&serializable=true");
  EXPECT_EQ(yaml::emit({{"b", nlohmann::json::object()}, {"a", {1, "x"}}, {"c", nullptr}}),
            "a:\n- 1\n- x\nb: {}\nc: null\n");
}

TEST(ManifestsWrite, DirectoryAndFileModesThroughEffects) {
  plan::RecordingEffects effects;
  const auto cfg = test_config("v1.37.2");
  ASSERT_TRUE(write_control_plane_manifests(cfg, "/tmp/m", "", effects, nullptr, test_host()));
  ASSERT_TRUE(write_local_etcd_manifest(cfg, "/tmp/m", effects, nullptr, test_host()));
  std::vector<std::string> files;
  for (const auto& a : effects.actions) {
    if (const auto* d = std::get_if<plan::MakeDir>(&a)) {
      EXPECT_EQ(d->mode, 0700u);
    }
    if (const auto* w = std::get_if<plan::WriteFile>(&a)) {
      EXPECT_EQ(w->mode, 0600u);
      EXPECT_FALSE(w->sensitive);
      files.push_back(w->path.string());
    }
  }
  EXPECT_EQ(files, (std::vector<std::string>{"/tmp/m/kube-apiserver.yaml",
                                             "/tmp/m/kube-controller-manager.yaml",
                                             "/tmp/m/kube-scheduler.yaml", "/tmp/m/etcd.yaml"}));
  plan::RecordingEffects one;
  ASSERT_TRUE(
      write_control_plane_manifests(cfg, "/tmp/m", "kube-scheduler", one, nullptr, test_host()));
  EXPECT_EQ(one.actions.size(), 2u);
  EXPECT_FALSE(
      write_control_plane_manifests(cfg, "/tmp/m", "kube-proxy", one, nullptr, test_host()));
}

// CIS 1.1.11: the etcd data directory is made 0700 (an existing one restricted to it) before
// the manifest that makes the kubelet start etcd; a kubelet would create it 0755.
TEST(ManifestsWrite, EtcdDataDirIs0700BeforeTheEtcdManifest) {
  auto cfg = test_config("v1.37.2");
  cfg.cluster.etcd.local->data_dir = "/data/etcd";
  plan::RecordingEffects effects;
  ASSERT_TRUE(write_local_etcd_manifest(cfg, "/tmp/m", effects, nullptr, test_host()));
  ptrdiff_t data_dir_at = -1, manifest_at = -1;
  for (size_t i = 0; i < effects.actions.size(); ++i) {
    const auto& a = effects.actions[i];
    if (const auto* d = std::get_if<plan::MakeDir>(&a); d && d->path == "/data/etcd") {
      EXPECT_EQ(d->mode, 0700u);
      EXPECT_TRUE(d->restrict_existing);
      data_dir_at = static_cast<ptrdiff_t>(i);
    }
    if (const auto* w = std::get_if<plan::WriteFile>(&a); w && w->path == "/tmp/m/etcd.yaml") {
      manifest_at = static_cast<ptrdiff_t>(i);
    }
  }
  ASSERT_GE(data_dir_at, 0) << "no MakeDir for the etcd data directory";
  EXPECT_LT(data_dir_at, manifest_at);

  plan::RecordingEffects external;
  cfg.cluster.etcd.local.reset();
  ASSERT_TRUE(ensure_etcd_data_dir(cfg.cluster, external));
  EXPECT_TRUE(external.actions.empty());
}

TEST(Images, SeedGuideV120) {
  const auto list = images(test_config("v1.20.9"));
  ASSERT_TRUE(list);
  const std::string r = kRepo;
  EXPECT_EQ(*list, (std::vector<std::string>{
                       r + "/kube-apiserver:v1.20.9", r + "/kube-controller-manager:v1.20.9",
                       r + "/kube-scheduler:v1.20.9", r + "/kube-proxy:v1.20.9", r + "/pause:3.2",
                       r + "/etcd:3.4.13-0", r + "/coredns:1.7.0"}));
}

TEST(Images, V132AndV135CustomRepository) {
  const std::string r = kRepo;
  EXPECT_EQ(*images(test_config("v1.32.9")),
            (std::vector<std::string>{
                r + "/kube-apiserver:v1.32.9", r + "/kube-controller-manager:v1.32.9",
                r + "/kube-scheduler:v1.32.9", r + "/kube-proxy:v1.32.9", r + "/coredns:v1.11.3",
                r + "/pause:3.10", r + "/etcd:3.5.16-0"}));
  EXPECT_EQ(*images(test_config("v1.35.0")),
            (std::vector<std::string>{
                r + "/kube-apiserver:v1.35.0", r + "/kube-controller-manager:v1.35.0",
                r + "/kube-scheduler:v1.35.0", r + "/kube-proxy:v1.35.0", r + "/coredns:v1.13.1",
                r + "/pause:3.10.1", r + "/etcd:3.6.6-0"}));
}

TEST(Images, DefaultRepositoryNestsCoreDNSAndDisabledAddonsAreSkipped) {
  auto cfg = test_config("v1.35.0");
  cfg.cluster.image_repository.clear();
  const std::string def(config::default_image_repository());
  EXPECT_EQ(images(cfg)->at(4), def + "/coredns/coredns:v1.13.1");
  cfg.cluster.proxy.disabled = true;
  cfg.cluster.dns.disabled = true;
  cfg.cluster.etcd.local->image_tag = "3.6.99-0";
  cfg.cluster.etcd.local->image_repository = "etcd.example.test";
  EXPECT_EQ(*images(cfg),
            (std::vector<std::string>{def + "/kube-apiserver:v1.35.0",
                                      def + "/kube-controller-manager:v1.35.0",
                                      def + "/kube-scheduler:v1.35.0", def + "/pause:3.10.1",
                                      "etcd.example.test/etcd:3.6.99-0"}));
  auto v120 = test_config("v1.20.9");
  v120.cluster.image_repository.clear();
  EXPECT_EQ(images(v120)->back(), def + "/coredns:1.7.0");
  EXPECT_FALSE(images(test_config("v1.19.0")));
}

}  // namespace
}  // namespace kadm::manifests
