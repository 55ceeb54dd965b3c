// The checks that talk to the container runtime (CRI, ContainerRuntimeVersion, CgroupDriver,
// ImagePull) against a fake cri::Runtime, and the image pull policies.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>

#include "common/strings.h"
#include "cri/image_pull.h"
#include "lib/fake_runtime.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "plan/effects.h"
#include "preflight/checks.h"
#include "preflight/cri_checks.h"
#include "preflight/preflight.h"

using namespace kadm;
using namespace kadm::preflight;

namespace {

// What the fake runtime answers; shared by every Runtime its connector hands out.
struct FakeState {
  Result<cri::VersionInfo> version = cri::VersionInfo{"0.1.0", "fakerd", "9.9", "v1"};
  Result<cri::RuntimeStatus> status = cri::RuntimeStatus{
      {{"RuntimeReady", true, "", ""}, {"NetworkReady", false, "NoCNI", ""}}, {}};
  Result<std::optional<cri::RuntimeConfigInfo>> config =
      std::optional<cri::RuntimeConfigInfo>(cri::RuntimeConfigInfo{cri::CgroupDriver::Systemd});
  std::string sandbox;  // the sandbox image a verbose status reports
  std::set<std::string> present;
  std::set<std::string> unpullable;
  // Pulls of these wait until `released` (at most 20 s, so a test that went wrong fails, not
  // hangs).
  std::set<std::string> held;
  bool released = false;
  std::condition_variable released_cv;
  std::mutex mu;
  std::vector<std::string> pulls;
  std::vector<std::string> connects;
  int config_calls = 0;
};

class FakeRuntime final : public test::RuntimeBase {
 public:
  FakeRuntime(std::shared_ptr<FakeState> s, std::string endpoint)
      : RuntimeBase(std::move(endpoint)), m_s(std::move(s)) {}
  Result<cri::VersionInfo> version() const override { return m_s->version; }
  Result<cri::RuntimeStatus> status(bool verbose) const override {
    if (!verbose || !m_s->status) return m_s->status;
    auto s = *m_s->status;
    if (!m_s->sandbox.empty()) s.info["config"] = R"({"sandboxImage":")" + m_s->sandbox + "\"}";
    return s;
  }
  Result<std::optional<cri::RuntimeConfigInfo>> runtime_config() const override {
    std::lock_guard lock(m_s->mu);
    ++m_s->config_calls;
    return m_s->config;
  }
  Result<std::optional<cri::ImageInfo>> image_status(const std::string& image) const override {
    std::lock_guard lock(m_s->mu);
    if (!m_s->present.contains(image)) return std::nullopt;
    return cri::ImageInfo{"sha256:" + image, {image}, {}, 1};
  }
  Result<std::string> pull_image(const std::string& image) const override {
    std::unique_lock lock(m_s->mu);
    if (m_s->held.contains(image)) {
      m_s->released_cv.wait_for(lock, std::chrono::seconds(20), [&] { return m_s->released; });
    }
    m_s->pulls.push_back(image);
    if (m_s->unpullable.contains(image)) {
      return fail("PullImage: the runtime answered NOT_FOUND: " + image + ": not found");
    }
    m_s->present.insert(image);
    return "sha256:" + image;
  }

 private:
  std::shared_ptr<FakeState> m_s;
};

cri::Connector connector(std::shared_ptr<FakeState> s) {
  return [s](const std::string& endpoint) -> Result<std::unique_ptr<cri::Runtime>> {
    {
      std::lock_guard lock(s->mu);
      s->connects.push_back(endpoint);
    }
    return std::unique_ptr<cri::Runtime>(new FakeRuntime(s, endpoint));
  };
}

cri::Connector unreachable() {
  return [](const std::string& endpoint) -> Result<std::unique_ptr<cri::Runtime>> {
    return fail("no socket at " + endpoint.substr(7));
  };
}

struct Fixture {
  test::TempDir dir;
  test::FixtureHost host{dir.path()};
  std::shared_ptr<FakeState> state = std::make_shared<FakeState>();
  std::shared_ptr<CriProbe> probe(std::string endpoint = "unix:///run/fake.sock") {
    return make_cri_probe(std::move(endpoint), connector(state));
  }
};

const std::vector<std::string> kImages = {"r/kube-apiserver:v1.37.2", "r/pause:3.10.1",
                                          "r/etcd:3.6.6-0"};

}  // namespace

TEST(CriCheck, PassesWhenTheRuntimeAnswersAndIsReady) {
  Fixture f;
  EXPECT_TRUE(cri_check(f.probe()).run(f.host).ok());
  // Fixture roots keep the socket below the root.
  ASSERT_EQ(f.state->connects.size(), 1u);
  EXPECT_EQ(f.state->connects[0], "unix://" + f.host.real_path("/run/fake.sock"));
}

TEST(CriCheck, UnreachableOrNotReadyIsAnError) {
  Fixture f;
  auto down = make_cri_probe("unix:///run/fake.sock", unreachable());
  auto errors = cri_check(down).run(f.host).errors;
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("could not connect to the container runtime: no socket at ", 0), 0u)
      << errors[0];

  f.state->version = fail("Version: the runtime answered UNAVAILABLE: shutting down");
  EXPECT_NE(cri_check(f.probe()).run(f.host).errors.at(0).find("UNAVAILABLE: shutting down"),
            std::string::npos);

  Fixture g;
  g.state->status =
      cri::RuntimeStatus{{{"RuntimeReady", false, "Starting", "loading plugins"}}, {}};
  EXPECT_EQ(cri_check(g.probe()).run(g.host).errors.at(0),
            "the container runtime at unix:///run/fake.sock is not ready: Starting: loading "
            "plugins");
  g.state->status = cri::RuntimeStatus{};
  EXPECT_NE(cri_check(g.probe()).run(g.host).errors.at(0).find("no RuntimeReady condition"),
            std::string::npos);
  // An unusable endpoint form is reported, not crashed on.
  EXPECT_NE(cri_check(g.probe("tcp://10.0.0.1:1234")).run(g.host).errors.at(0).find("only unix://"),
            std::string::npos);
}

TEST(CriCheck, DetectsTheOneKnownSocket) {
  Fixture f;
  auto detect = [&] { return cri_check(make_cri_probe("", connector(f.state))).run(f.host); };
  EXPECT_NE(detect().errors.at(0).find("no container runtime socket found"), std::string::npos);
  f.host.write("/var/run/crio/crio.sock", "");
  EXPECT_TRUE(detect().ok());
  EXPECT_EQ(f.state->connects.back(), "unix://" + f.host.real_path("/var/run/crio/crio.sock"));
  f.host.write("/var/run/containerd/containerd.sock", "");
  auto many = detect().errors.at(0);
  EXPECT_EQ(many.rfind("found multiple CRI endpoints on the host.", 0), 0u) << many;
  EXPECT_NE(many.find("unix:///var/run/containerd/containerd.sock, unix:///var/run/crio/crio.sock"),
            std::string::npos);
}

TEST(CriCheck, AsksTheRuntimeOnceForAllChecks) {
  Fixture f;
  auto p = f.probe();
  EXPECT_TRUE(cri_check(p).run(f.host).ok());
  EXPECT_TRUE(container_runtime_version(p).run(f.host).ok());
  EXPECT_TRUE(cgroup_driver("systemd", p).run(f.host).ok());
  EXPECT_EQ(f.state->connects.size(), 1u);
  EXPECT_EQ(f.state->config_calls, 1);
}

TEST(ContainerRuntimeVersion, WarnsWithoutRuntimeConfig) {
  Fixture f;
  f.state->config = std::optional<cri::RuntimeConfigInfo>();
  auto findings = container_runtime_version(f.probe()).run(f.host);
  ASSERT_EQ(findings.warnings.size(), 1u);
  EXPECT_TRUE(findings.errors.empty());
  EXPECT_EQ(
      findings.warnings[0].rfind("fakerd 9.9 does not implement the CRI method RuntimeConfig", 0),
      0u)
      << findings.warnings[0];
  EXPECT_EQ(container_runtime_version(f.probe()).severity, Severity::Warning);

  f.state->config = fail("RuntimeConfig: the runtime answered INTERNAL: boom");
  EXPECT_NE(container_runtime_version(f.probe()).run(f.host).warnings.at(0).find("INTERNAL: boom"),
            std::string::npos);
  // Unreachable: the CRI check speaks for it.
  EXPECT_TRUE(
      container_runtime_version(make_cri_probe("unix:///x", unreachable())).run(f.host).ok());
}

TEST(CgroupDriverCheck, RuntimeConfigWinsOverTheConfigFile) {
  Fixture f;
  f.host.write("/etc/containerd/config.toml", "  SystemdCgroup = false\n");
  // CRI says systemd: agrees with the kubelet, whatever the file seems to say.
  EXPECT_TRUE(cgroup_driver("systemd", f.probe()).run(f.host).ok());
  f.state->config =
      std::optional<cri::RuntimeConfigInfo>(cri::RuntimeConfigInfo{cri::CgroupDriver::Cgroupfs});
  auto w = cgroup_driver("systemd", f.probe()).run(f.host).warnings;
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("uses the cgroupfs cgroup driver (reported over CRI RuntimeConfig)"),
            std::string::npos)
      << w[0];
  f.host.write("/var/lib/kubelet/config.yaml", "cgroupDriver: cgroupfs\n");
  EXPECT_TRUE(cgroup_driver("systemd", f.probe()).run(f.host).ok());
  // Without RuntimeConfig the file is the source again.
  f.state->config = std::optional<cri::RuntimeConfigInfo>();
  f.host.write("/etc/containerd/config.toml", "  SystemdCgroup = true\n");
  EXPECT_NE(cgroup_driver("systemd", f.probe()).run(f.host).warnings.at(0).find("config.toml"),
            std::string::npos);
}

TEST(CgroupDriverCheck, AnUndecidedKubeletDriverComparesOnlyAConfigOnDisk) {
  Fixture f;
  f.state->config =
      std::optional<cri::RuntimeConfigInfo>(cri::RuntimeConfigInfo{cri::CgroupDriver::Cgroupfs});
  // A join: the cluster decides the kubelet's driver later, so nothing is claimed yet.
  EXPECT_TRUE(cgroup_driver("", f.probe()).run(f.host).ok());
  // A kubelet already configured on this host is compared.
  f.host.write("/var/lib/kubelet/config.yaml", "cgroupDriver: systemd\n");
  auto w = cgroup_driver("", f.probe()).run(f.host).warnings;
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("kubelet uses systemd (/var/lib/kubelet/config.yaml)"), std::string::npos)
      << w[0];
}

TEST(KubeletConfigCgroupDriver, ReadsTheDocumentsField) {
  EXPECT_EQ(kubelet_config_cgroup_driver("kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n"),
            "cgroupfs");
  EXPECT_EQ(kubelet_config_cgroup_driver("kind: KubeletConfiguration\n"), std::nullopt);
  EXPECT_EQ(kubelet_config_cgroup_driver("cgroupDriver: [a"), std::nullopt);
}

TEST(ImagePulls, PolicyDecidesWhatIsPulled) {
  EXPECT_EQ(*cri::parse_pull_policy(""), cri::PullPolicy::IfNotPresent);
  EXPECT_EQ(*cri::parse_pull_policy("Always"), cri::PullPolicy::Always);
  EXPECT_FALSE(cri::parse_pull_policy("always"));

  for (bool serial : {true, false}) {
    auto s = std::make_shared<FakeState>();
    s->present = {kImages[1]};
    FakeRuntime rt(s, "unix:///x");
    auto r = cri::ensure_images(rt, kImages, cri::PullPolicy::IfNotPresent, serial);
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].action, cri::PullAction::Pulled);
    EXPECT_EQ(r[1].action, cri::PullAction::AlreadyPresent);
    EXPECT_EQ(r[2].action, cri::PullAction::Pulled);
    EXPECT_EQ(r[2].image, kImages[2]);
    std::sort(s->pulls.begin(), s->pulls.end());
    EXPECT_EQ(s->pulls, (std::vector<std::string>{kImages[2], kImages[0]}));  // sorted
    // Second run: nothing left to pull.
    s->pulls.clear();
    for (const auto& x : cri::ensure_images(rt, kImages, cri::PullPolicy::IfNotPresent, serial)) {
      EXPECT_EQ(x.action, cri::PullAction::AlreadyPresent);
    }
    EXPECT_TRUE(s->pulls.empty());
    // Always pulls even what is there.
    cri::ensure_images(rt, kImages, cri::PullPolicy::Always, serial);
    EXPECT_EQ(s->pulls.size(), 3u);
  }
}

TEST(ImagePulls, NeverOnlyRequiresPresence) {
  auto s = std::make_shared<FakeState>();
  s->present = {kImages[0]};
  FakeRuntime rt(s, "unix:///x");
  auto r = cri::ensure_images(rt, kImages, cri::PullPolicy::Never, true);
  EXPECT_EQ(r[0].action, cri::PullAction::AlreadyPresent);
  EXPECT_EQ(r[1].action, cri::PullAction::Failed);
  EXPECT_NE(r[1].error.find("imagePullPolicy is Never"), std::string::npos);
  EXPECT_TRUE(s->pulls.empty());
}

TEST(ImagePullCheck, ErrorsNameTheImage) {
  Fixture f;
  f.state->unpullable = {kImages[1]};
  auto check = image_pull(kImages, "IfNotPresent", false, f.probe(), false);
  EXPECT_EQ(check.name, "ImagePull");
  EXPECT_EQ(check.severity, Severity::Error);
  auto findings = check.run(f.host);
  EXPECT_EQ(findings.errors,
            std::vector<std::string>{"failed to pull image r/pause:3.10.1: PullImage: the runtime "
                                     "answered NOT_FOUND: r/pause:3.10.1: not found"});
  EXPECT_TRUE(image_pull(kImages, "Sometimes", true, f.probe(), false)
                  .run(f.host)
                  .errors.at(0)
                  .find("Unsupported value") != std::string::npos);
}

TEST(ImagePullCheck, UnreachableRuntimeWarnsOnlyWhenCriIsIgnored) {
  Fixture f;
  auto down = make_cri_probe("unix:///run/none.sock", unreachable());
  auto ignored = image_pull(kImages, "", true, down, true).run(f.host);
  EXPECT_TRUE(ignored.errors.empty());
  ASSERT_EQ(ignored.warnings.size(), 1u);
  EXPECT_EQ(ignored.warnings[0].rfind("not pulling images: could not connect", 0), 0u);
  auto not_ignored = image_pull(kImages, "", true, down, false).run(f.host);
  ASSERT_EQ(not_ignored.errors.size(), 1u);
}

namespace {

config::InitConfiguration init_config() {
  config::InitConfiguration cfg;
  cfg.cluster.kubernetes_version = "v1.37.2";
  cfg.cluster.image_repository = "127.0.0.1:5000/k8s";
  cfg.node_registration.cri_socket = "unix:///run/fake.sock";
  return cfg;
}

// An ignore list naming every check but ImagePull that failed in `report`.
std::string all_but_image_pull(const Report& report) {
  std::set<std::string> failing;
  for (const auto& r : report.results) {
    if (r.severity == "error" && r.check != "ImagePull") failing.insert(r.check);
  }
  return str::join({failing.begin(), failing.end()}, ",");
}

// An init preflight that pulls through the real seam from the fake runtime.
struct PullFixture {
  Fixture f;
  plan::RecordingEffects effects;
  std::ostringstream out;
  PreflightOptions o;
  config::InitConfiguration cfg = init_config();
  PullFixture() {
    o.out = &out;
    o.pull_images = pull_images;
    o.check_set.cri_connector = connector(f.state);
  }
};

}  // namespace

TEST(PreflightImagePull, InitPullsAfterTheChecksAndHonoursIgnores) {
  PullFixture p;
  [[maybe_unused]] auto& [f, effects, out, o, cfg] = p;
  f.state->unpullable = {"127.0.0.1:5000/k8s/pause:3.10.2"};
  o.ignore_errors = {"all"};
  auto outcome = preflight_init(cfg, f.host, effects, o);
  ASSERT_TRUE(outcome.status) << out.str();
  auto text = out.str();
  auto intro =
      text.find("[preflight] Pulling images required for setting up a Kubernetes cluster\n");
  ASSERT_NE(intro, std::string::npos) << text;
  EXPECT_LT(text.find("[preflight] Running pre-flight checks"), intro);
  EXPECT_NE(text.find("[WARNING ImagePull]: failed to pull image 127.0.0.1:5000/k8s/pause:3.10.2"),
            std::string::npos)
      << text;
  EXPECT_EQ(f.state->pulls.size(), 7u);  // the whole `kadm config images list`
  // The checks and the pull share one probe: one connection to the runtime per run.
  EXPECT_EQ(f.state->connects.size(), 1u);

  // Every other failing check ignored by name: ImagePull alone makes preflight fatal.
  o.ignore_errors = {all_but_image_pull(outcome.report)};
  std::ostringstream out2;
  o.out = &out2;
  auto fatal = preflight_init(cfg, f.host, effects, o);
  ASSERT_FALSE(fatal.status) << out2.str();
  EXPECT_EQ(fatal.status.error().kind(), ErrorKind::Preflight);
  EXPECT_NE(out2.str().find("\t[ERROR ImagePull]: failed to pull image 127.0.0.1:5000/k8s/pause"),
            std::string::npos)
      << out2.str();
  // --ignore-preflight-errors=ImagePull turns it into a warning.
  o.ignore_errors.push_back("imagepull");
  EXPECT_TRUE(preflight_init(cfg, f.host, effects, o).status);
}

TEST(PreflightImagePull, SkippedWhenChecksFailAndOnlyAnnouncedInDryRun) {
  PullFixture p;
  [[maybe_unused]] auto& [f, effects, out, o, cfg] = p;
  EXPECT_FALSE(preflight_init(cfg, f.host, effects, o).status);  // fixture host fails checks
  EXPECT_EQ(out.str().find("Pulling images"), std::string::npos);
  EXPECT_TRUE(f.state->pulls.empty());

  o.ignore_errors = {"all"};
  o.pull_images = announce_image_pull;
  EXPECT_TRUE(preflight_init(cfg, f.host, effects, o).status);
  EXPECT_NE(out.str().find("[preflight] Would pull the images"), std::string::npos);
  EXPECT_TRUE(f.state->pulls.empty());
}

TEST(PreflightImagePull, IgnoredCriMeansNoSecondFailure) {
  Fixture f;
  plan::RecordingEffects effects;
  PreflightOptions o;
  std::ostringstream out;
  o.out = &out;
  o.pull_images = pull_images;
  o.check_set.cri_connector = unreachable();
  o.ignore_errors = {"all"};
  auto cfg = init_config();
  EXPECT_TRUE(preflight_init(cfg, f.host, effects, o).status) << out.str();
  EXPECT_NE(out.str().find("[WARNING CRI]: could not connect"), std::string::npos);
  EXPECT_NE(out.str().find("[WARNING ImagePull]: not pulling images: could not connect"),
            std::string::npos)
      << out.str();
}

TEST(PreflightImagePull, OnlyControlPlaneJoinsPull) {
  PullFixture p;
  [[maybe_unused]] auto& [f, effects, out, o, cfg] = p;
  o.ignore_errors = {"all"};
  config::JoinConfiguration worker;
  worker.node_registration.cri_socket = "unix:///run/fake.sock";
  EXPECT_TRUE(preflight_join(worker, f.host, effects, o).status);
  EXPECT_TRUE(f.state->pulls.empty());
  EXPECT_EQ(out.str().find("Pulling images"), std::string::npos);

  auto cp = worker;
  cp.control_plane = config::JoinControlPlane{};
  auto cluster = init_config().cluster;
  EXPECT_TRUE(preflight_join(cp, f.host, effects, o, &cluster).status);
  EXPECT_EQ(f.state->pulls.size(), 7u);
  EXPECT_NE(std::find(f.state->pulls.begin(), f.state->pulls.end(),
                      "127.0.0.1:5000/k8s/kube-apiserver:v1.37.2"),
            f.state->pulls.end());
}

TEST(CriCheckSets, RuntimeChecksShareTheConfiguredConnector) {
  auto state = std::make_shared<FakeState>();
  CheckSetOptions options;
  options.cri_connector = connector(state);
  config::InitConfiguration cfg = init_config();
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  std::vector<std::string> seen;
  for (const auto& c : init_checks(cfg, {1, 35, 0, ""}, options)) {
    if (c.name == "CRI" || c.name == "ContainerRuntimeVersion" || c.name == "CgroupDriver") {
      EXPECT_TRUE(c.run(host).ok()) << c.name;
      seen.push_back(c.name);
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"CRI", "ContainerRuntimeVersion", "CgroupDriver"}));
  EXPECT_EQ(state->connects.size(), 1u);
  // Kubelets older than RuntimeConfig: no ContainerRuntimeVersion check.
  for (const auto& c : init_checks(cfg, {1, 20, 0, ""}, options)) {
    EXPECT_NE(c.name, "ContainerRuntimeVersion");
  }
}

TEST(ImagePullCheck, WarnsWhenTheSandboxImageDiffers) {
  Fixture f;
  f.state->sandbox = "other.test/pause:3.6";
  auto w = image_pull(kImages, "", true, f.probe(), false).run(f.host).warnings;
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("sandbox image is \"other.test/pause:3.6\" but kadm's pause image is "
                      "\"r/pause:3.10.1\""),
            std::string::npos)
      << w[0];
  f.state->sandbox = "r/pause:3.10.1";
  EXPECT_TRUE(image_pull(kImages, "", true, f.probe(), false).run(f.host).ok());
}

// init's later images: pulled after the others, in the background, group after group, and
// judged when their group is awaited.
TEST(PreflightImagePull, DeferredImagesArePulledAfterPreflightReturns) {
  PullFixture p;
  [[maybe_unused]] auto& [f, effects, out, o, cfg] = p;
  {
    PreflightOptions all = o;
    all.ignore_errors = {"all"};
    std::ostringstream discard;
    all.out = &discard;
    o.ignore_errors = {all_but_image_pull(preflight_init(cfg, f.host, effects, all).report)};
    f.state->pulls.clear();
    f.state->present.clear();
  }
  const std::string manager = "127.0.0.1:5000/k8s/kube-controller-manager:v1.37.2";
  const std::string scheduler = "127.0.0.1:5000/k8s/kube-scheduler:v1.37.2";
  const std::string proxy = "127.0.0.1:5000/k8s/kube-proxy:v1.37.2";
  const std::string coredns = "127.0.0.1:5000/k8s/coredns:v1.14.6";
  o.deferred_images = {{{scheduler, manager}},
                       {{coredns, proxy, "127.0.0.1:5000/k8s/not-in-the-list:v1"}}};
  f.state->held = {manager};
  auto outcome = preflight_init(cfg, f.host, effects, o);
  ASSERT_TRUE(outcome.status) << out.str();
  ASSERT_TRUE(outcome.deferred);
  {
    std::lock_guard lock(f.state->mu);
    // Preflight returned with pause, etcd and kube-apiserver in, the held pull waiting.
    EXPECT_EQ(f.state->pulls.size(), 3u);
    for (const auto& later : {manager, scheduler, proxy, coredns}) {
      EXPECT_EQ(std::ranges::count(f.state->pulls, later), 0) << later;
    }
    f.state->released = true;
  }
  f.state->released_cv.notify_all();
  std::ostringstream later;
  ASSERT_TRUE(outcome.deferred->wait(1, later)) << later.str();
  ASSERT_TRUE(outcome.deferred->wait(0, later)) << later.str();
  ASSERT_EQ(f.state->pulls.size(), 7u);
  // One at a time, group after group, in `kadm config images list` order, as imagePullSerial
  // asks.
  EXPECT_EQ(std::vector(f.state->pulls.begin() + 3, f.state->pulls.end()),
            (std::vector{manager, scheduler, proxy, coredns}));
  EXPECT_EQ(outcome.deferred->images(1), (std::vector{proxy, coredns}));
  EXPECT_EQ(out.str().find("coredns"), std::string::npos) << out.str();

  // A failed pull fails the phase that awaits its group, as ImagePull would have; ignored, it
  // warns.
  f.state->present.clear();
  f.state->pulls.clear();
  f.state->unpullable = {coredns};
  std::ostringstream out2, later2;
  o.out = &out2;
  auto failed = preflight_init(cfg, f.host, effects, o);
  ASSERT_TRUE(failed.status) << out2.str();
  EXPECT_TRUE(failed.deferred->wait(0, later2));
  auto verdict = failed.deferred->wait(1, later2);
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error().kind(), ErrorKind::Preflight);
  EXPECT_NE(verdict.error().text().find(coredns), std::string::npos) << verdict.error().text();
  EXPECT_NE(later2.str().find("\t[ERROR ImagePull]: failed to pull image " + coredns),
            std::string::npos)
      << later2.str();
  std::ostringstream again;
  EXPECT_FALSE(failed.deferred->wait(1, again));  // the same verdict, printed once
  EXPECT_EQ(again.str(), "");

  o.ignore_errors.push_back("ImagePull");
  std::ostringstream out3, later3;
  o.out = &out3;
  auto ignored = preflight_init(cfg, f.host, effects, o);
  ASSERT_TRUE(ignored.status) << out3.str();
  EXPECT_TRUE(ignored.deferred->wait(1, later3));
  EXPECT_NE(later3.str().find("[WARNING ImagePull]: failed to pull image " + coredns),
            std::string::npos)
      << later3.str();

  // A dry run pulls nothing: preflight names the images it would pull, and each deferred group
  // names its own when awaited.
  o.pull_images = announce_image_pull;
  std::ostringstream out4, later4, latest4;
  o.out = &out4;
  f.state->pulls.clear();
  auto dry = preflight_init(cfg, f.host, effects, o);
  ASSERT_TRUE(dry.status);
  ASSERT_TRUE(dry.deferred);
  EXPECT_NE(out4.str().find("[dryrun] Would pull 127.0.0.1:5000/k8s/kube-apiserver:v1.37.2\n"),
            std::string::npos)
      << out4.str();
  EXPECT_EQ(out4.str().find(coredns), std::string::npos) << out4.str();
  EXPECT_TRUE(dry.deferred->wait(0, later4));
  EXPECT_TRUE(dry.deferred->wait(1, latest4));
  EXPECT_NE(later4.str().find("[dryrun] Would pull " + scheduler + "\n"), std::string::npos)
      << later4.str();
  EXPECT_EQ(later4.str().find(coredns), std::string::npos) << later4.str();
  EXPECT_NE(latest4.str().find("[dryrun] Would pull " + coredns + "\n"), std::string::npos)
      << latest4.str();
  EXPECT_TRUE(f.state->pulls.empty());
}
