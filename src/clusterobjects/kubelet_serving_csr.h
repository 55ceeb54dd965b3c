#pragma once
// Kubelet serving certificates signed by the cluster CA (the kubelet's serverTLSBootstrap): the
// kubelet asks with a CertificateSigningRequest for signer kubernetes.io/kubelet-serving, which
// the controller manager signs but never approves. kadm approves one only when nothing in it
// goes beyond what the API already says about that node: requested by the node itself
// (system:node:<name> in system:nodes), subject CN system:node:<name> / O system:nodes, server
// usages only, and every DNS name and IP address among the addresses of the Node object
// <name>. Anything else is left pending with the reason.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace kadm::clusterobjects {

inline constexpr std::string_view kKubeletServingSigner = "kubernetes.io/kubelet-serving";

// The node a CSR's requester is ("" when the requester is not a node).
std::string csr_requesting_node(const nlohmann::json& csr);

// Whether the CSR already carries an Approved or Denied condition.
bool csr_decided(const nlohmann::json& csr);

struct CsrVerdict {
  bool approve = false;
  std::string reason;  // why not (or what was checked, when approved)
};

// `node` is the Node object named by the requester (null when there is none).
CsrVerdict check_kubelet_serving_csr(const nlohmann::json& csr, const nlohmann::json& node);

// The CSR with an Approved condition, for PUT .../certificatesigningrequests/<name>/approval.
nlohmann::json approved_csr(nlohmann::json csr);

}  // namespace kadm::clusterobjects
