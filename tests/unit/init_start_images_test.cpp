// kadm init pulls the images its control plane starts from while it writes the certificates,
// kubeconfig files and kubelet settings and starts the kubelet (issue 13); the first manifest
// waits for them, and if they fail the run takes back what it did since preflight.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "common/fs.h"
#include "config/defaults.h"
#include "init/image_waits.h"
#include "init/init_phases.h"
#include "lib/fake_runtime.h"
#include "lib/files_only_effects.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"
#include "workflow/runner.h"

namespace kadm::init {
namespace {

// InitData is neither copied nor moved: filled in place.
void fill(InitData& d) {
  config::set_init_defaults(d.cfg);
  d.cfg.cluster.kubernetes_version = "v1.37.2";
  d.cfg.cluster.image_repository = "10.213.0.2:5000/k8s";
  d.version = *config::parse_kube_version("v1.37.2");
}

const std::vector<std::string>& images_of(const InitData& d, LaterImages group) {
  return d.deferred_images.at(static_cast<size_t>(group)).images;
}

TEST(InitStartImages, TheManifestPhasesNameWhatTheControlPlaneStartsFrom) {
  InitData d;
  fill(d);
  defer_etcd_start_images(d);
  defer_apiserver_start_images(d);
  // etcd's first, so that its pod starts while kube-apiserver's image is pulled.
  EXPECT_EQ(images_of(d, LaterImages::Etcd),
            (std::vector<std::string>{"10.213.0.2:5000/k8s/pause:3.10.2",
                                      "10.213.0.2:5000/k8s/etcd:3.7.0-0"}));
  EXPECT_EQ(images_of(d, LaterImages::Start),
            (std::vector<std::string>{"10.213.0.2:5000/k8s/kube-apiserver:v1.37.2"}));
  for (auto group : {LaterImages::Etcd, LaterImages::Start}) {
    const auto& g = d.deferred_images[static_cast<size_t>(group)];
    EXPECT_FALSE(g.on_release);
    ASSERT_TRUE(g.failure_hint);
    EXPECT_NE(g.failure_hint->find("took back"), std::string::npos);
  }

  InitData external;
  fill(external);
  external.cfg.cluster.etcd.local.reset();
  external.cfg.cluster.etcd.external = config::ExternalEtcd{};
  defer_etcd_start_images(external);
  defer_apiserver_start_images(external);
  EXPECT_TRUE(images_of(external, LaterImages::Etcd).empty());
  EXPECT_EQ(images_of(external, LaterImages::Start),
            (std::vector<std::string>{"10.213.0.2:5000/k8s/pause:3.10.2",
                                      "10.213.0.2:5000/k8s/kube-apiserver:v1.37.2"}));
}

// The workflow: the kubelet starts before the first manifest, whose phases name the images.
TEST(InitStartImages, TheKubeletStartsBeforeTheManifestsThatWaitForTheirImages) {
  const workflow::Workflow<InitData> wf(init_phases());
  std::vector<std::string> order;
  for (const auto& f : wf.flat()) order.push_back(f.full_name);
  auto at = [&](const std::string& name) { return std::ranges::find(order, name) - order.begin(); };
  EXPECT_LT(at("kubeconfig"), at("kubelet-start"));
  EXPECT_LT(at("kubelet-start"), at("etcd"));
  EXPECT_LT(at("control-plane"), at("wait-control-plane"));
  InitData d;
  fill(d);
  for (size_t i = 0; i < order.size(); ++i) {
    if (wf.at(i).prepare && (order[i] == "etcd/local" || order[i] == "control-plane/apiserver")) {
      wf.at(i).prepare(d);
    }
  }
  EXPECT_EQ(images_of(d, LaterImages::Etcd).size(), 2u);
  EXPECT_EQ(images_of(d, LaterImages::Start).size(), 1u);
}

struct StartRun {
  test::TempDir dir;
  std::ostringstream out;
  InitData d;

  // `failing`: the image whose pull fails, if any.
  explicit StartRun(std::string failing) {
    fill(d);
    d.effects = std::make_unique<plan::RealEffects>();
    d.out = &out;
    auto groups = preflight::empty_later_groups();
    groups[static_cast<size_t>(LaterImages::Etcd)].images = {"10.213.0.2:5000/k8s/etcd:3.7.0-0"};
    groups[static_cast<size_t>(LaterImages::Start)].images = {
        "10.213.0.2:5000/k8s/kube-apiserver:v1.37.2"};
    for (auto& g : groups) g.failure_hint = "the start hint";
    d.deferred_pull = std::make_shared<preflight::DeferredPull>(
        std::move(groups),
        [failing](const std::vector<std::string>& images, std::ostream&, preflight::Report& r) {
          r.fatal = std::ranges::find(images, failing) != images.end();
        },
        "the hint");
    remember_until_started(d);
  }
};

TEST(InitStartImages, AFailedPullTakesBackWhatTheRunDidSincePreflight) {
  StartRun r("10.213.0.2:5000/k8s/etcd:3.7.0-0");
  ASSERT_NE(r.d.undo, nullptr);
  const auto marker = r.dir.path() / "kubelet-stopped";
  ASSERT_TRUE(r.d.effects->apply(plan::WriteFile{r.dir.path() / "pki" / "ca.key", "k", 0600}));
  ASSERT_TRUE(r.d.effects->apply(
      plan::RunCommand{{"true"}, "start the kubelet", {"touch", marker.string()}}));
  auto s = await_etcd_images(r.d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Preflight);
  EXPECT_NE(s.error().text().find("the start hint"), std::string::npos) << s.error().text();
  EXPECT_FALSE(*fs::exists(r.dir.path() / "pki"));
  EXPECT_TRUE(*fs::exists(marker));
  EXPECT_EQ(r.d.undo, nullptr);
  EXPECT_FALSE(await_start_images(r.d));  // the same verdict for every manifest phase
}

// etcd's pod runs when kube-apiserver's image fails: taken back with the rest, in its place.
TEST(InitStartImages, AFailedApiServerPullTakesBackEtcdsPodToo) {
  StartRun r("10.213.0.2:5000/k8s/kube-apiserver:v1.37.2");
  const auto marker = r.dir.path() / "kubelet-stopped";
  ASSERT_TRUE(r.d.effects->apply(
      plan::RunCommand{{"true"}, "start the kubelet", {"touch", marker.string()}}));
  ASSERT_TRUE(await_etcd_images(r.d));
  ASSERT_NE(r.d.undo, nullptr);  // still: etcd's pod can be taken back until the rest is in
  const auto manifest = r.dir.path() / "manifests" / "etcd.yaml";
  ASSERT_TRUE(r.d.effects->apply(plan::WriteFile{manifest, "pod", 0600}));
  bool kubelet_running_then = false;
  r.d.undo->remember_step("take back the etcd pod", [&](plan::Effects&) -> Status {
    kubelet_running_then = !*fs::exists(marker);
    return {};
  });
  auto s = await_start_images(r.d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Preflight);
  EXPECT_TRUE(kubelet_running_then);  // newest first: the pod's step before the kubelet's stop
  EXPECT_TRUE(*fs::exists(marker));
  EXPECT_FALSE(*fs::exists(r.dir.path() / "manifests"));
  EXPECT_EQ(r.d.undo, nullptr);
}

cri::PodSandbox sandbox(std::string id, std::string name, std::string ns) {
  cri::PodSandbox p;
  p.id = std::move(id);
  p.metadata.name = std::move(name);
  p.metadata.namespace_ = std::move(ns);
  return p;
}

// The real take-back of etcd's pod: the kubelet stopped, the manifest removed, this node's etcd
// sandbox stopped and removed through the runtime (no other), what etcd wrote removed.
TEST(InitStartImages, EtcdsPodAndDataGoWhenKubeApiServersImageFails) {
  StartRun r("10.213.0.2:5000/k8s/kube-apiserver:v1.37.2");
  auto& d = r.d;
  d.undo = nullptr;
  auto files = std::make_unique<test::FilesOnlyEffects>();
  auto* recorded = files.get();
  d.effects = std::move(files);
  remember_until_started(d);
  ASSERT_NE(d.undo, nullptr);
  const auto data = r.dir.path() / "var" / "lib" / "etcd";
  d.cfg.node_registration.name = "cp1";
  d.cfg.local_api_endpoint.advertise_address = "10.213.0.5";
  d.cfg.cluster.etcd.local->data_dir = data.string();
  d.cfg.cluster.certificates_dir = (r.dir.path() / "pki").string();
  d.options.kubeconfig_dir = r.dir.path() / "etc";
  auto host = std::make_unique<test::FixtureHost>(r.dir.path() / "root");
  host->services["kubelet"] = host::ServiceState{true, true, true, true};
  d.host = std::move(host);
  auto node = std::make_shared<test::FakeNode>();
  node->sandboxes = {sandbox("s-etcd", "etcd-cp1", "kube-system"),
                     sandbox("s-web", "web", "default"),
                     sandbox("s-etcd2", "etcd-cp2", "kube-system")};
  d.connect.cri = [node](const std::string& endpoint) -> Result<std::unique_ptr<cri::Runtime>> {
    return std::make_unique<test::FakeNodeRuntime>(node, endpoint);
  };

  ASSERT_TRUE(await_etcd_images(d));
  ASSERT_TRUE(write_local_etcd(d));
  const auto manifest = r.dir.path() / "etc" / "manifests" / "etcd.yaml";
  ASSERT_TRUE(*fs::exists(manifest));
  ASSERT_TRUE(fs::make_dirs(data / "member" / "snap", 0700));  // etcd at work
  ASSERT_TRUE(fs::write_file_atomic(data / "member" / "snap" / "db", "d", 0600));

  auto s = await_start_images(d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().text().find("could not be taken back"), std::string::npos)
      << s.error().text();
  EXPECT_FALSE(*fs::exists(manifest));
  EXPECT_FALSE(*fs::exists(data));
  ASSERT_EQ(node->sandboxes.size(), 2u);
  EXPECT_EQ(node->sandboxes[0].id, "s-web");
  EXPECT_EQ(node->sandboxes[1].id, "s-etcd2");
  ASSERT_FALSE(recorded->commands.empty());
  EXPECT_EQ(recorded->commands.front(), "systemctl stop kubelet");
}

TEST(InitStartImages, OncePulledTheRunsWritesStay) {
  StartRun r("");
  ASSERT_NE(r.d.undo, nullptr);
  ASSERT_TRUE(r.d.effects->apply(plan::WriteFile{r.dir.path() / "pki" / "ca.key", "k", 0600}));
  ASSERT_TRUE(await_start_images(r.d));
  EXPECT_EQ(r.d.undo, nullptr);
  ASSERT_TRUE(r.d.effects->apply(plan::WriteFile{r.dir.path() / "later", "l", 0600}));
  EXPECT_TRUE(*fs::exists(r.dir.path() / "pki" / "ca.key"));

  InitData nothing_deferred;
  fill(nothing_deferred);
  nothing_deferred.effects = std::make_unique<plan::RealEffects>();
  remember_until_started(nothing_deferred);
  EXPECT_EQ(nothing_deferred.undo, nullptr);
  EXPECT_TRUE(await_start_images(nothing_deferred));
}

}  // namespace
}  // namespace kadm::init
