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

const std::vector<std::string>& start_images(const InitData& d) {
  return d.deferred_images.at(static_cast<size_t>(LaterImages::Start)).images;
}

TEST(InitStartImages, TheManifestPhasesNameWhatTheControlPlaneStartsFrom) {
  InitData d;
  fill(d);
  defer_etcd_start_images(d);
  defer_apiserver_start_images(d);
  EXPECT_EQ(start_images(d),
            (std::vector<std::string>{"10.213.0.2:5000/k8s/pause:3.10.2",
                                      "10.213.0.2:5000/k8s/etcd:3.7.0-0",
                                      "10.213.0.2:5000/k8s/kube-apiserver:v1.37.2"}));
  const auto& g = d.deferred_images[static_cast<size_t>(LaterImages::Start)];
  EXPECT_FALSE(g.on_release);
  ASSERT_TRUE(g.failure_hint);
  EXPECT_NE(g.failure_hint->find("took back"), std::string::npos);

  InitData external;
  fill(external);
  external.cfg.cluster.etcd.local.reset();
  external.cfg.cluster.etcd.external = config::ExternalEtcd{};
  defer_etcd_start_images(external);
  defer_apiserver_start_images(external);
  EXPECT_EQ(start_images(external),
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
  EXPECT_EQ(start_images(d).size(), 3u);
}

struct StartRun {
  test::TempDir dir;
  std::ostringstream out;
  InitData d;

  explicit StartRun(bool pull_fails) {
    fill(d);
    d.effects = std::make_unique<plan::RealEffects>();
    d.out = &out;
    std::vector<preflight::DeferredGroup> groups(1);
    groups[0].images = {"10.213.0.2:5000/k8s/kube-apiserver:v1.37.2"};
    groups[0].failure_hint = "the start hint";
    d.deferred_pull = std::make_shared<preflight::DeferredPull>(
        std::move(groups),
        [pull_fails](const std::vector<std::string>&, std::ostream&, preflight::Report& r) {
          r.fatal = pull_fails;
        },
        "the hint");
    remember_until_started(d);
  }
};

TEST(InitStartImages, AFailedPullTakesBackWhatTheRunDidSincePreflight) {
  StartRun r(true);
  ASSERT_NE(r.d.undo, nullptr);
  const auto marker = r.dir.path() / "kubelet-stopped";
  ASSERT_TRUE(r.d.effects->apply(plan::WriteFile{r.dir.path() / "pki" / "ca.key", "k", 0600}));
  ASSERT_TRUE(r.d.effects->apply(
      plan::RunCommand{{"true"}, "start the kubelet", {"touch", marker.string()}}));
  auto s = await_start_images(r.d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Preflight);
  EXPECT_NE(s.error().text().find("the start hint"), std::string::npos) << s.error().text();
  EXPECT_FALSE(*fs::exists(r.dir.path() / "pki"));
  EXPECT_TRUE(*fs::exists(marker));
  EXPECT_EQ(r.d.undo, nullptr);
  EXPECT_FALSE(await_start_images(r.d));  // the same verdict for every manifest phase
}

TEST(InitStartImages, OncePulledTheRunsWritesStay) {
  StartRun r(false);
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
