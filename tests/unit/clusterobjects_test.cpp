#include <gtest/gtest.h>

#include "clusterobjects/addons.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/control_plane_node.h"
#include "clusterobjects/object_rules.h"
#include "clusterobjects/upload_certs_objects.h"
#include "clusterobjects/upload_config.h"
#include "config/defaults.h"
#include "token/token_secret.h"

namespace kadm::clusterobjects {
namespace {

config::KubeVersion v(int minor) {
  return config::parse_kube_version("v1." + std::to_string(minor) + ".3").value();
}

const json* find(const std::vector<json>& objects, std::string_view kind, std::string_view name) {
  for (const auto& o : objects) {
    if (o["kind"] == kind && o["metadata"]["name"] == name) return &o;
  }
  return nullptr;
}

TEST(ClusterObjects, ClusterInfoKubeconfigIsExactlyKubeadmsSerialisation) {
  std::string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  std::string got = cluster_info_kubeconfig("https://10.0.0.1:6443", pem);
  EXPECT_EQ(got,
            "apiVersion: v1\n"
            "clusters:\n"
            "- cluster:\n"
            "    certificate-authority-data: "
            "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQUEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n"
            "    server: https://10.0.0.1:6443\n"
            "  name: \"\"\n"
            "contexts: null\n"
            "current-context: \"\"\n"
            "kind: Config\n"
            "preferences: {}\n"
            "users: null\n");
  json cm = cluster_info_configmap(got);
  EXPECT_EQ(cm["metadata"]["namespace"], "kube-public");
  EXPECT_EQ(cm["metadata"]["name"], "cluster-info");
  EXPECT_EQ(cm["data"]["kubeconfig"], got);
}

TEST(ClusterObjects, ClusterInfoRbacLetsAnonymousGetOnlyClusterInfo) {
  auto objs = cluster_info_rbac();
  const json* role = find(objs, "Role", "kubeadm:bootstrap-signer-clusterinfo");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ((*role)["metadata"]["namespace"], "kube-public");
  EXPECT_EQ((*role)["rules"][0]["resourceNames"], json::array({"cluster-info"}));
  EXPECT_EQ((*role)["rules"][0]["verbs"], json::array({"get"}));
  const json* rb = find(objs, "RoleBinding", "kubeadm:bootstrap-signer-clusterinfo");
  ASSERT_NE(rb, nullptr);
  EXPECT_EQ((*rb)["subjects"][0]["kind"], "User");
  EXPECT_EQ((*rb)["subjects"][0]["name"], "system:anonymous");
}

TEST(ClusterObjects, NodeBootstrapRbacSubjectsAndMessages) {
  auto grants = node_bootstrap_rbac(false, false);
  ASSERT_EQ(grants.size(), 4u);
  EXPECT_EQ(grants[0].objects[0]["kind"], "ClusterRole");
  EXPECT_EQ(grants[0].objects[0]["metadata"]["name"], "kubeadm:get-nodes");
  EXPECT_EQ(grants[0].message, "Configured RBAC rules to allow Node Bootstrap tokens to get nodes");
  EXPECT_EQ(grants[1].objects[0]["roleRef"]["name"], "system:node-bootstrapper");
  EXPECT_EQ(grants[1].objects[0]["subjects"][0]["name"],
            "system:bootstrappers:kubeadm:default-node-token");
  EXPECT_EQ(grants[3].objects[0]["metadata"]["name"],
            "kubeadm:node-autoapprove-certificate-rotation");
  EXPECT_EQ(grants[3].objects[0]["subjects"][0]["name"], "system:nodes");
  EXPECT_TRUE(node_bootstrap_rbac(true, false)[2].message.starts_with("configured RBAC"));
  auto with_kubelet_client = node_bootstrap_rbac(false, true);
  ASSERT_EQ(with_kubelet_client.size(), 5u);
  const json& kc = with_kubelet_client[4].objects[0];
  EXPECT_EQ(kc["metadata"]["name"], "kubeadm:apiserver-kubelet-client");
  EXPECT_EQ(kc["roleRef"]["name"], "system:kubelet-api-admin");
  EXPECT_EQ(kc["subjects"][0]["kind"], "User");
  EXPECT_EQ(kc["subjects"][0]["name"], "kube-apiserver-kubelet-client");
  EXPECT_TRUE(object_rules(v(37)).kubelet_client_binding);
  EXPECT_FALSE(object_rules(v(34)).kubelet_client_binding);
  json admins = cluster_admins_binding();
  EXPECT_EQ(admins["roleRef"]["name"], "cluster-admin");
  EXPECT_EQ(admins["subjects"][0]["name"], "kubeadm:cluster-admins");
  EXPECT_EQ(admins["subjects"][0]["kind"], "Group");
}

TEST(ClusterObjects, KubeletConfigNameAndHashByVersion) {
  EXPECT_EQ(kubelet_config_map_name(object_rules(v(20)), v(20)), "kubelet-config-1.20");
  EXPECT_EQ(kubelet_config_map_name(object_rules(v(37)), v(37)), "kubelet-config");
  json cm = kubelet_config_configmap("kubelet-config", "kind: KubeletConfiguration\n");
  // sha256("kind: KubeletConfiguration\n")
  EXPECT_EQ(cm["metadata"]["annotations"][std::string(kComponentConfigHashAnnotation)],
            component_config_hash(json{{"kubelet", "kind: KubeletConfiguration\n"}}));
  EXPECT_NE(component_config_hash(json{{"kubelet", "a"}}),
            component_config_hash(json{{"kubelet", "b"}}));
  EXPECT_EQ(component_config_hash(json{{"k", ""}}),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto rbac = kubelet_config_rbac("kubelet-config-1.20");
  ASSERT_NE(find(rbac, "Role", "kubeadm:kubelet-config-1.20"), nullptr);
  EXPECT_EQ(find(rbac, "Role", "kubeadm:kubelet-config-1.20")->at("rules")[0]["resourceNames"][0],
            "kubelet-config-1.20");
}

TEST(ClusterObjects, KubeadmConfigHoldsV1beta4ClusterConfiguration) {
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  json cm = kubeadm_config_configmap(cfg.cluster);
  std::string cc = cm["data"]["ClusterConfiguration"];
  EXPECT_NE(cc.find("apiVersion: kubeadm.k8s.io/v1beta4"), std::string::npos);
  EXPECT_NE(cc.find("kind: ClusterConfiguration"), std::string::npos);
  auto rbac = kubeadm_config_rbac();
  EXPECT_EQ(find(rbac, "RoleBinding", "kubeadm:nodes-kubeadm-config")->at("subjects").size(), 2u);
}

TEST(ClusterObjects, CorefilePerVersion) {
  std::string current = corefile("cluster.local", object_rules(v(37)));
  EXPECT_NE(current.find("    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"),
            std::string::npos);
  EXPECT_NE(current.find("    cache 30 {\n       disable success cluster.local\n"
                         "       disable denial cluster.local\n    }\n"),
            std::string::npos);
  std::string old = corefile("example.org", object_rules(v(20)));
  EXPECT_NE(old.find("    cache 30\n    loop\n"), std::string::npos);
  EXPECT_NE(old.find("kubernetes example.org in-addr.arpa"), std::string::npos);
  EXPECT_TRUE(old.starts_with(".:53 {\n    errors\n"));
  EXPECT_TRUE(old.ends_with("    loadbalance\n}\n"));
}

TEST(ClusterObjects, CoreDnsObjectsServiceIpImageAndRules) {
  CoreDnsInputs in{"repo.example/coredns/coredns:v1.13.1", "10.96.0.10", "cluster.local",
                   object_rules(v(37))};
  auto objs = coredns_objects(in);
  const json* svc = find(objs, "Service", "kube-dns");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ((*svc)["spec"]["clusterIP"], "10.96.0.10");
  EXPECT_EQ((*svc)["spec"]["ports"].size(), 3u);
  const json* dep = find(objs, "Deployment", "coredns");
  ASSERT_NE(dep, nullptr);
  const json& pod = (*dep)["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"], in.image);
  EXPECT_EQ(pod["tolerations"][1]["key"], "node-role.kubernetes.io/control-plane");
  EXPECT_EQ(pod["containers"][0]["livenessProbe"]["httpGet"]["port"], "liveness-probe");
  EXPECT_TRUE(pod.contains("affinity"));
  const json* cr = find(objs, "ClusterRole", "system:coredns");
  EXPECT_EQ((*cr)["rules"][1]["resources"][0], "endpointslices");

  in.rules = object_rules(v(20));
  objs = coredns_objects(in);
  const json& old_pod = find(objs, "Deployment", "coredns")->at("spec")["template"]["spec"];
  EXPECT_EQ(old_pod["tolerations"][1]["key"], "node-role.kubernetes.io/master");
  EXPECT_EQ(old_pod["containers"][0]["livenessProbe"]["httpGet"]["port"], 8080);
  EXPECT_EQ(find(objs, "ClusterRole", "system:coredns")->at("rules")[1]["resources"][0], "nodes");
}

TEST(ClusterObjects, KubeProxyObjects) {
  KubeProxyInputs in{"repo.example/kube-proxy:v1.37.2", "10.244.0.0/16", "https://10.213.0.11:6443",
                     false, ""};
  auto objs = kube_proxy_objects(in);
  EXPECT_EQ(objs.size(), 6u);
  const json* cm = find(objs, "ConfigMap", "kube-proxy");
  ASSERT_NE(cm, nullptr);
  std::string conf = (*cm)["data"]["config.conf"];
  EXPECT_NE(conf.find("clusterCIDR: 10.244.0.0/16"), std::string::npos);
  EXPECT_NE(conf.find("bindAddress: 0.0.0.0"), std::string::npos);
  std::string kc = (*cm)["data"]["kubeconfig.conf"];
  EXPECT_NE(kc.find("server: https://10.213.0.11:6443"), std::string::npos);
  EXPECT_NE(kc.find("tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"),
            std::string::npos);
  const json* ds = find(objs, "DaemonSet", "kube-proxy");
  EXPECT_EQ((*ds)["spec"]["template"]["spec"]["containers"][0]["image"], in.image);
  EXPECT_EQ(find(objs, "ClusterRoleBinding", "kubeadm:node-proxier")->at("subjects")[0]["kind"],
            "ServiceAccount");
}

TEST(ClusterObjects, KubeProxyConfigMergesTheUsersDocumentWithGoTypes) {
  KubeProxyInputs in{"repo.example/kube-proxy:v1.37.2", "10.244.0.0/16", "https://10.213.0.11:6443",
                     false,
                     "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                     "mode: ipvs\nconntrack:\n  maxPerCore: 0\n  tcpCloseWaitTimeout: 0s\n"
                     "clusterCIDR: 10.200.0.0/16\nmetricsBindAddress: \"8080\"\n"};
  std::string conf = kube_proxy_config_yaml(in);
  EXPECT_NE(conf.find("mode: ipvs"), std::string::npos) << conf;
  EXPECT_NE(conf.find("maxPerCore: 0"), std::string::npos) << conf;
  EXPECT_NE(conf.find("tcpCloseWaitTimeout: 0s"), std::string::npos) << conf;
  EXPECT_NE(conf.find("clusterCIDR: 10.200.0.0/16"), std::string::npos) << conf;  // user wins
  EXPECT_EQ(conf.find("10.244.0.0/16"), std::string::npos) << conf;
  EXPECT_NE(conf.find("metricsBindAddress: \"8080\""), std::string::npos)
      << conf;  // still a string
  EXPECT_NE(conf.find("kubeconfig: /var/lib/kube-proxy/kubeconfig.conf"), std::string::npos);
}

TEST(ClusterObjects, ControlPlaneMarksByVersionAndPatch) {
  auto cur = control_plane_marks(object_rules(v(37)), std::nullopt);
  EXPECT_EQ(cur.labels,
            (std::vector<std::string>{"node-role.kubernetes.io/control-plane",
                                      "node.kubernetes.io/exclude-from-external-load-balancers"}));
  ASSERT_EQ(cur.taints.size(), 1u);
  EXPECT_EQ(taint_string(cur.taints[0]), "node-role.kubernetes.io/control-plane:NoSchedule");
  auto old = control_plane_marks(object_rules(v(20)), std::nullopt);
  EXPECT_EQ(taint_string(old.taints[0]), "node-role.kubernetes.io/master:NoSchedule");
  EXPECT_EQ(labels_message(object_rules(v(20)), "n1", old),
            "Marking the node n1 as control-plane by adding the labels "
            "\"node-role.kubernetes.io/master=''\" and "
            "\"node-role.kubernetes.io/control-plane='' (deprecated)\"");
  EXPECT_TRUE(
      control_plane_marks(object_rules(v(37)), std::vector<config::Taint>{}).taints.empty());

  json node = {{"metadata", {{"name", "n1"}, {"labels", {{"a", "b"}}}}},
               {"spec", {{"taints", json::array({{{"key", "x"}, {"effect", "NoExecute"}}})}}}};
  json patch = control_plane_node_patch(node, cur);
  EXPECT_EQ(patch["metadata"]["labels"]["node-role.kubernetes.io/control-plane"], "");
  ASSERT_EQ(patch["spec"]["taints"].size(), 2u);
  EXPECT_EQ(patch["spec"]["taints"][0]["key"], "x");
  // Applied: nothing left to do.
  node["metadata"]["labels"].update(patch["metadata"]["labels"]);
  node["spec"]["taints"] = patch["spec"]["taints"];
  EXPECT_TRUE(control_plane_node_patch(node, cur).is_null());
}

// A Node as the API may send it: null members and odd taints read as empty, never throw.
TEST(ClusterObjects, ControlPlanePatchOfANodeWithNullMembers) {
  auto cur = control_plane_marks(object_rules(v(37)), std::nullopt);
  json node = {{"metadata", nullptr}, {"spec", {{"taints", json::array({"odd", nullptr})}}}};
  json patch = control_plane_node_patch(node, cur);
  EXPECT_EQ(patch["metadata"]["labels"].size(), 2u);
  ASSERT_EQ(patch["spec"]["taints"].size(), 3u);  // the odd entries are kept as they were
  EXPECT_EQ(patch["spec"]["taints"][2]["key"], "node-role.kubernetes.io/control-plane");
  json nulls = {{"metadata", {{"labels", nullptr}}}, {"spec", nullptr}};
  EXPECT_EQ(control_plane_node_patch(nulls, cur)["spec"]["taints"].size(), 1u);
}

TEST(ClusterObjects, KubeadmCertsSecretOwnedByToken) {
  config::ClusterConfiguration c;
  c.certificates_dir = "/pki";
  c.etcd.local = config::LocalEtcd{};
  auto files = uploaded_cert_files(c);
  ASSERT_EQ(files.size(), 8u);
  EXPECT_EQ(files[6].key, "etcd-ca.crt");
  EXPECT_EQ(files[6].path, "/pki/etcd/ca.crt");
  json s = kubeadm_certs_secret({{"ca.crt", "sealed"}}, "bootstrap-token-abcdef", "uid-1");
  EXPECT_EQ(s["data"]["ca.crt"], "c2VhbGVk");
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["controller"], true);
  auto t = certs_ttl_token("abcdef.0123456789abcdef");
  EXPECT_EQ(t.ttl, std::chrono::hours(2));
}

// The TTL token only owns kubeadm-certs: as kubeadm's, it has no usages and no groups, so its
// Secret lets nobody authenticate (join a node) or sign cluster-info with it.
TEST(ClusterObjects, KubeadmCertsTtlTokenCannotAuthenticateOrSign) {
  auto t = certs_ttl_token("abcdef.0123456789abcdef");
  EXPECT_TRUE(t.usages.empty());
  EXPECT_TRUE(t.groups.empty());
  EXPECT_EQ(t.description, "Proxy for managing TTL for the kubeadm-certs secret");
  auto data = token::encode_token_secret_data(t, std::chrono::system_clock::now()).value();
  for (const auto& [key, value] : data) {
    EXPECT_FALSE(key.starts_with(token::kUsagePrefix)) << key << "=" << value;
    EXPECT_NE(key, token::kKeyExtraGroups) << value;
  }
  EXPECT_TRUE(data.contains(std::string(token::kKeyExpiration)));
}

}  // namespace
}  // namespace kadm::clusterobjects
