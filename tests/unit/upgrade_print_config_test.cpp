#include <gtest/gtest.h>

#include "config/defaults.h"
#include "config/print.h"
#include "upgrade/print_config.h"

namespace kadm::upgrade {
namespace {

TEST(UpgradePrintConfig, HeaderThenTheClusterConfigurationTabIndented) {
  config::InitConfiguration init;
  config::set_init_defaults(init);
  init.cluster.kubernetes_version = "v1.37.2";
  init.cluster.image_repository = "registry.example:5000";
  const std::string out = configuration_used(init.cluster);
  const std::string header = "[upgrade/config] Configuration used:\n";
  ASSERT_TRUE(out.starts_with(header)) << out;
  std::string body = out.substr(header.size());
  std::string untabbed;
  std::size_t lines = 0;
  for (std::size_t start = 0; start < body.size();) {
    auto end = body.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    ASSERT_EQ(body[start], '\t') << body.substr(start, end - start);
    untabbed += body.substr(start + 1, end - start);
    start = end + 1;
    ++lines;
  }
  EXPECT_GT(lines, 5u);
  EXPECT_EQ(untabbed, config::cluster_configuration_yaml(init.cluster));
  EXPECT_NE(body.find("\tapiVersion: kubeadm.k8s.io/v1beta4\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\tkind: ClusterConfiguration\n"), std::string::npos);
  EXPECT_NE(body.find("\tkubernetesVersion: v1.37.2\n"), std::string::npos);
  EXPECT_NE(body.find("\timageRepository: registry.example:5000\n"), std::string::npos);
  EXPECT_EQ(body.find("\t\n"), std::string::npos);  // no empty line after the last one
}

}  // namespace
}  // namespace kadm::upgrade
