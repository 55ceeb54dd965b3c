#include <gtest/gtest.h>

#include <sstream>

#include "upgrade/phases.h"

namespace kadm::upgrade {
namespace {

// --- phases -----------------------------------------------------------------------------------

std::vector<std::string> names(const std::vector<workflow::Phase<UpgradeData>>& phases) {
  std::vector<std::string> out;
  for (const auto& p : phases) out.push_back(p.name);
  return out;
}

TEST(UpgradePhases, ApplyAndNodeRunInKubeadmsOrder) {
  EXPECT_EQ(names(apply_phases()),
            (std::vector<std::string>{"preflight", "control-plane", "upload-config",
                                      "kubelet-config", "bootstrap-token", "addon"}));
  EXPECT_EQ(names(node_phases()),
            (std::vector<std::string>{"preflight", "control-plane", "kubelet-config", "addon"}));
  auto addon = apply_phases().back();
  EXPECT_EQ(names(addon.children), (std::vector<std::string>{"all", "coredns", "kube-proxy"}));
}

TEST(UpgradePhases, CertificatesRenewedBeforeEachComponent) {
  EXPECT_EQ(certificates_renewed_before("kube-apiserver", true),
            (std::vector<std::string>{"apiserver", "apiserver-kubelet-client", "front-proxy-client",
                                      "apiserver-etcd-client"}));
  EXPECT_EQ(certificates_renewed_before("kube-apiserver", false).size(), 3u);
  EXPECT_TRUE(certificates_renewed_before("etcd", false).empty());
  EXPECT_EQ(certificates_renewed_before("", true),
            (std::vector<std::string>{"admin.conf", "super-admin.conf"}));
}

TEST(UpgradePhases, ConfirmationTakesOnlyYes) {
  std::ostringstream out;
  std::istringstream yes(" Yes\n"), no("n\n"), none("");
  EXPECT_TRUE(confirm_upgrade(yes, out).has_value());
  EXPECT_FALSE(confirm_upgrade(no, out).has_value());
  EXPECT_FALSE(confirm_upgrade(none, out).has_value());
  EXPECT_NE(out.str().find("[upgrade] Are you sure you want to proceed? [y/N]: "),
            std::string::npos);
}

}  // namespace
}  // namespace kadm::upgrade
