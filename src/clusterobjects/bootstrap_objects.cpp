#include "clusterobjects/bootstrap_objects.h"

#include "apiclient/objects.h"
#include "clusterobjects/rbac.h"
#include "clusterobjects/upload_config.h"
#include "common/constants.h"
#include "common/strings.h"
#include "common/yaml_emit.h"

namespace kadm::clusterobjects {

namespace {

Subject token_group() { return {"Group", std::string(constants::kDefaultTokenGroup), ""}; }

struct GrantRow {
  std::string_view binding;
  std::string_view cluster_role;
  bool nodes_group;  // else the default bootstrap token group
  std::string_view what;
};

// The bindings after kubeadm:get-nodes, in the order kubeadm prints them.
constexpr GrantRow kGrants[] = {
    {"kubeadm:kubelet-bootstrap", "system:node-bootstrapper", false,
     "RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term "
     "certificate credentials"},
    {"kubeadm:node-autoapprove-bootstrap",
     "system:certificates.k8s.io:certificatesigningrequests:nodeclient", false,
     "RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node "
     "Bootstrap Token"},
    {"kubeadm:node-autoapprove-certificate-rotation",
     "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", true,
     "RBAC rules to allow certificate rotation for all node client certificates in the cluster"},
};

}  // namespace

json cluster_admins_binding() {
  return make_cluster_role_binding(kClusterAdminsBinding, "cluster-admin",
                                   {{"Group", std::string(constants::kClusterAdminsGroup), ""}});
}

std::vector<RbacGrant> node_bootstrap_rbac(bool lower_case_configured,
                                           bool kubelet_client_binding) {
  const std::string verb = lower_case_configured ? "configured " : "Configured ";
  std::vector<RbacGrant> grants;
  const std::string get_nodes = "kubeadm:get-nodes";
  grants.push_back({{make_cluster_role(get_nodes, {{{""}, {"nodes"}, {}, {"get"}}}),
                     make_cluster_role_binding(get_nodes, get_nodes, {token_group()})},
                    verb + "RBAC rules to allow Node Bootstrap tokens to get nodes"});
  for (const auto& g : kGrants) {
    Subject subject =
        g.nodes_group ? Subject{"Group", std::string(constants::kNodesGroup), ""} : token_group();
    grants.push_back({{make_cluster_role_binding(g.binding, g.cluster_role, {subject})},
                      verb + std::string(g.what)});
  }
  if (kubelet_client_binding) {
    grants.push_back(
        {{make_cluster_role_binding(
             kKubeletClientBinding, "system:kubelet-api-admin",
             {{"User", std::string(constants::kApiserverKubeletClientUser), ""}})},
         verb + "RBAC rules to allow the API server kubelet client certificate to access the "
                "kubelet API"});
  }
  return grants;
}

std::string cluster_info_kubeconfig(const std::string& server, const std::string& ca_pem) {
  json kubeconfig = {
      {"apiVersion", "v1"},
      {"clusters", json::array({{{"cluster",
                                  {{"certificate-authority-data", str::base64_encode(ca_pem)},
                                   {"server", server}}},
                                 {"name", ""}}})},
      {"contexts", nullptr},
      {"current-context", ""},
      {"kind", "Config"},
      {"preferences", json::object()},
      {"users", nullptr},
  };
  return yaml::emit(kubeconfig);
}

json cluster_info_configmap(const std::string& kubeconfig) {
  json cm = object_meta("v1", "ConfigMap", apiclient::kKubePublic, kClusterInfo);
  cm["data"] = {{kClusterInfoKubeconfigKey, kubeconfig}};
  return cm;
}

std::vector<json> cluster_info_rbac() {
  const std::string name = "kubeadm:bootstrap-signer-clusterinfo";
  return {
      make_role(apiclient::kKubePublic, name,
                {{{""}, {"configmaps"}, {std::string(kClusterInfo)}, {"get"}}}),
      make_role_binding(apiclient::kKubePublic, name, name, {{"User", "system:anonymous", ""}}),
  };
}

}  // namespace kadm::clusterobjects
