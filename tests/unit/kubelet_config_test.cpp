#include "kubelet/kubelet_config.h"

#include <gtest/gtest.h>

namespace kadm::kubelet {
namespace {

config::KubeVersion v(int minor) { return {1, minor, 0, ""}; }

config::NodeRegistration node(const std::string& name) {
  config::NodeRegistration n;
  n.name = name;
  n.cri_socket = "unix:///run/other/cri.sock";
  return n;
}

// As kubeadm: the kubelet is told the node name only when it differs from the host's name.
TEST(KubeletFlags, HostnameOverrideOnlyForAnotherName) {
  EXPECT_EQ(kubeadm_flags_env(node("node1"), "", "", true, v(37), "host-a"),
            "KUBELET_KUBEADM_ARGS=\"--hostname-override=node1\"\n");
  EXPECT_EQ(kubeadm_flags_env(node("node1"), "", "", true, v(37), "Node1\n"),
            "KUBELET_KUBEADM_ARGS=\"\"\n");
  // v1.20: the runtime flags, the pause image, and no override for the host's own name.
  EXPECT_EQ(kubeadm_flags_env(node("cp"), "", "pause:3.2", true, v(20), "cp"),
            "KUBELET_KUBEADM_ARGS=\"--container-runtime=remote "
            "--container-runtime-endpoint=unix:///run/other/cri.sock "
            "--pod-infra-container-image=pause:3.2\"\n");
}

// init's KubeletConfiguration includes the user's document (e.g. to let the kubelet run with
// swap), and its swap settings read back with the kubelet's defaults.
TEST(KubeletConfig, UserDocumentReachesInitsConfigurationAndSwapSettings) {
  config::InitConfiguration cfg;
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.networking.dns_domain = "cluster.local";
  cfg.cluster.certificates_dir = "/etc/kubernetes/pki";
  auto plain = kubelet_config_yaml(init_kubelet_inputs(cfg).value(), v(37)).value();
  auto defaults = swap_settings(plain).value();
  EXPECT_TRUE(defaults.fail_swap_on);
  EXPECT_EQ(defaults.swap_behavior, "");

  cfg.kubelet_config_yaml =
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      "failSwapOn: false\nmemorySwap:\n  swapBehavior: LimitedSwap\n";
  auto inputs = init_kubelet_inputs(cfg).value();
  EXPECT_EQ(inputs.cluster_dns, "10.96.0.10");
  EXPECT_EQ(inputs.client_ca_file, "/etc/kubernetes/pki/ca.crt");
  auto yaml = kubelet_config_yaml(inputs, v(37)).value();
  EXPECT_NE(yaml.find("failSwapOn: false"), std::string::npos) << yaml;
  auto user = swap_settings(yaml).value();
  EXPECT_FALSE(user.fail_swap_on);
  EXPECT_EQ(user.swap_behavior, "LimitedSwap");
  EXPECT_FALSE(swap_settings("failSwapOn: perhaps\n").has_value());
}

TEST(KubeletInstanceConfig, ByVersionAndContent) {
  EXPECT_FALSE(has_instance_config(v(33)));
  EXPECT_TRUE(has_instance_config(v(34)));
  EXPECT_EQ(instance_config_yaml("unix:///run/other/cri.sock"),
            "containerRuntimeEndpoint: \"unix:///run/other/cri.sock\"\n");
}

// A joining node keeps its own runtime endpoint, not the first control plane's.
TEST(KubeletInstanceConfig, JoiningNodeGetsItsOwnRuntimeEndpoint) {
  const std::string cluster =
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      "containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock\n"
      "clusterDNS:\n- 10.96.0.10\n";
  auto mine = with_node_runtime_endpoint(cluster, "unix:///run/other/cri.sock", v(37));
  ASSERT_TRUE(mine) << mine.error().text();
  EXPECT_NE(mine->find("containerRuntimeEndpoint: unix:///run/other/cri.sock"), std::string::npos)
      << *mine;
  EXPECT_EQ(mine->find("containerd.sock"), std::string::npos) << *mine;
  EXPECT_NE(mine->find("- 10.96.0.10"), std::string::npos) << *mine;
  // Before v1.27 the endpoint is a flag: the configuration is left as the cluster has it.
  EXPECT_EQ(with_node_runtime_endpoint(cluster, "unix:///run/other/cri.sock", v(26)).value(),
            cluster);
  EXPECT_FALSE(with_node_runtime_endpoint("- a\n- b\n", "unix:///x.sock", v(37)));
  EXPECT_FALSE(with_node_runtime_endpoint("a: [", "unix:///x.sock", v(37)));
}

}  // namespace
}  // namespace kadm::kubelet
