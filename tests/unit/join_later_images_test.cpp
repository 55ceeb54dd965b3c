// A control-plane join's later images: the steps that wait for them name them (their prepare
// hooks), and preflight leaves exactly those to the background, the addons' group held until
// released.

#include <gtest/gtest.h>

#include "config/defaults.h"
#include "join/join_phases.h"
#include "join/later_images.h"

namespace kadm::join {
namespace {

// Runs the prepare hooks of the control-plane-join steps named in `selected`, as the workflow
// does for the selected phases.
void prepare(JoinData& d, const std::vector<std::string>& selected) {
  for (const auto& p : join_phases()) {
    for (const auto& c : p.children) {
      if (c.prepare && std::ranges::find(selected, p.name + "/" + c.name) != selected.end()) {
        c.prepare(d);
      }
    }
  }
}

config::InitConfiguration cluster_node() {
  config::InitConfiguration node;
  config::set_init_defaults(node);
  node.cluster.kubernetes_version = "v1.37.2";
  node.cluster.image_repository = "10.213.0.2:5000/k8s";
  return node;
}

constexpr auto kEtcd = static_cast<size_t>(LaterImages::Etcd);
constexpr auto kStart = static_cast<size_t>(LaterImages::Start);
constexpr auto kControllers = static_cast<size_t>(LaterImages::Controllers);
constexpr auto kAddons = static_cast<size_t>(LaterImages::Addons);

TEST(JoinLaterImages, TheStepsThatWaitNameWhatPreflightLeavesToTheBackground) {
  JoinData d;
  d.cfg.control_plane = config::JoinControlPlane{};
  prepare(d, {"control-plane-join/etcd", "control-plane-join/mark-control-plane"});
  auto groups = later_image_groups(d, cluster_node());
  ASSERT_EQ(groups.size(), 4u);
  // preflight pulls what the control plane starts from
  EXPECT_TRUE(groups[kEtcd].images.empty());
  EXPECT_TRUE(groups[kStart].images.empty());
  EXPECT_EQ(groups[kControllers].images,
            (std::vector<std::string>{"10.213.0.2:5000/k8s/kube-controller-manager:v1.37.2",
                                      "10.213.0.2:5000/k8s/kube-scheduler:v1.37.2"}));
  EXPECT_FALSE(groups[kControllers].on_release);
  EXPECT_EQ(groups[kAddons].images,
            (std::vector<std::string>{"10.213.0.2:5000/k8s/kube-proxy:v1.37.2",
                                      "10.213.0.2:5000/k8s/coredns:v1.14.6"}));
  EXPECT_TRUE(groups[kAddons].on_release);
}

TEST(JoinLaterImages, NothingIsLeftWhenNoStepWaitsOrTheNodeIsAWorker) {
  JoinData only_etcd;
  only_etcd.cfg.control_plane = config::JoinControlPlane{};
  prepare(only_etcd, {"control-plane-join/etcd"});
  auto groups = later_image_groups(only_etcd, cluster_node());
  EXPECT_EQ(groups[kControllers].images.size(), 2u);
  EXPECT_TRUE(groups[kAddons].images.empty());  // preflight pulls kube-proxy and CoreDNS itself

  JoinData none;
  none.cfg.control_plane = config::JoinControlPlane{};
  prepare(none, {"control-plane-prepare/certs"});
  for (const auto& g : later_image_groups(none, cluster_node())) EXPECT_TRUE(g.images.empty());

  JoinData worker;
  prepare(worker, {"control-plane-join/etcd", "control-plane-join/mark-control-plane"});
  for (const auto& g : later_image_groups(worker, cluster_node())) EXPECT_TRUE(g.images.empty());

  auto no_addons = cluster_node();
  no_addons.cluster.proxy.disabled = true;
  no_addons.cluster.dns.disabled = true;
  JoinData d;
  d.cfg.control_plane = config::JoinControlPlane{};
  prepare(d, {"control-plane-join/mark-control-plane"});
  EXPECT_TRUE(later_image_groups(d, no_addons)[kAddons].images.empty());
}

}  // namespace
}  // namespace kadm::join
