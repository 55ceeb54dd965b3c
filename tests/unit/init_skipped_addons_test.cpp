// kubeadm's rule: a skipped addon phase disables that addon in the configuration init uses and
// uploads, read the way the workflow reads --skip-phases.

#include <gtest/gtest.h>

#include "init/init_phases.h"
#include "init/skipped_addons.h"

namespace kadm::init {
namespace {

struct Disabled {
  bool dns;
  bool proxy;
  bool operator==(const Disabled&) const = default;
};

Disabled after_skipping(const std::vector<std::string>& skip) {
  static const workflow::Workflow<InitData> wf(init_phases());
  config::ClusterConfiguration c;
  EXPECT_TRUE(disable_skipped_addons(wf, skip, c)) << testing::PrintToString(skip);
  return {c.dns.disabled, c.proxy.disabled};
}

TEST(SkippedAddons, SkippingAnAddonPhaseDisablesWhatItInstalls) {
  EXPECT_EQ(after_skipping({}), (Disabled{false, false}));
  EXPECT_EQ(after_skipping({"preflight", "certs"}), (Disabled{false, false}));
  EXPECT_EQ(after_skipping({"addon"}), (Disabled{true, true}));
  EXPECT_EQ(after_skipping({"addon/all"}), (Disabled{true, true}));
  EXPECT_EQ(after_skipping({"addon/coredns"}), (Disabled{true, false}));
  EXPECT_EQ(after_skipping({"Addon/Kube-Proxy/"}), (Disabled{false, true}));
  EXPECT_EQ(after_skipping({"addon/kube-proxy", "addon/coredns"}), (Disabled{true, true}));
}

TEST(SkippedAddons, AnAddonDisabledInTheConfigurationStaysDisabled) {
  static const workflow::Workflow<InitData> wf(init_phases());
  config::ClusterConfiguration c;
  c.dns.disabled = true;
  ASSERT_TRUE(disable_skipped_addons(wf, {"addon/kube-proxy"}, c));
  EXPECT_TRUE(c.dns.disabled);
  EXPECT_TRUE(c.proxy.disabled);
}

TEST(SkippedAddons, AnUnknownPhaseNameIsRefused) {
  static const workflow::Workflow<InitData> wf(init_phases());
  config::ClusterConfiguration c;
  auto s = disable_skipped_addons(wf, {"addon/kubeproxy"}, c);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("addon/kube-proxy"), std::string::npos) << s.error().text();
  EXPECT_FALSE(c.proxy.disabled);
}

}  // namespace
}  // namespace kadm::init
