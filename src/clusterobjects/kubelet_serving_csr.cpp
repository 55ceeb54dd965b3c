#include "clusterobjects/kubelet_serving_csr.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "certs/openssl_ptr.h"
#include "common/constants.h"
#include "common/strings.h"

namespace kadm::clusterobjects {

namespace {

using nlohmann::json;

std::string text(const json& j, std::string_view key) {
  if (!j.is_object()) return "";
  auto it = j.find(std::string(key));
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

struct Request {
  std::string cn;
  std::vector<std::string> orgs;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  int other_sans = 0;  // email, URI, ... (never allowed)
};

std::string asn1_text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const int len = ASN1_STRING_length(ip);
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  if (len == 4) {
    inet_ntop(AF_INET, data, buf, sizeof buf);
  } else if (len == 16) {
    inet_ntop(AF_INET6, data, buf, sizeof buf);
  } else {
    return "";
  }
  return buf;
}

std::optional<Request> parse_request(const std::string& pem) {
  auto bio = certs::memory_bio(pem);
  certs::UniqueX509Req req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    ERR_clear_error();
    return std::nullopt;
  }
  Request r;
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(subject, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    if (nid == NID_commonName) r.cn = asn1_text(X509_NAME_ENTRY_get_data(e));
    if (nid == NID_organizationName) r.orgs.push_back(asn1_text(X509_NAME_ENTRY_get_data(e)));
  }
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get());
  if (exts != nullptr) {
    auto* sans =
        static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr));
    if (sans != nullptr) {
      for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
        if (g->type == GEN_DNS) {
          r.dns.push_back(asn1_text(g->d.dNSName));
        } else if (g->type == GEN_IPADD) {
          r.ips.push_back(ip_text(g->d.iPAddress));
        } else {
          ++r.other_sans;
        }
      }
      GENERAL_NAMES_free(sans);
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  ERR_clear_error();
  return r;
}

CsrVerdict no(std::string why) { return {false, std::move(why)}; }

}  // namespace

std::string csr_requesting_node(const json& csr) {
  const std::string user = text(csr.value("spec", json::object()), "username");
  if (!user.starts_with(constants::kNodeUserPrefix)) return "";
  return user.substr(constants::kNodeUserPrefix.size());
}

bool csr_decided(const json& csr) {
  const auto status = csr.value("status", json::object());
  if (!status.is_object() || !status.contains("conditions")) return false;
  for (const auto& c : status["conditions"]) {
    const std::string type = text(c, "type");
    if (type == "Approved" || type == "Denied") return true;
  }
  return false;
}

CsrVerdict check_kubelet_serving_csr(const json& csr, const json& node) {
  const auto spec = csr.value("spec", json::object());
  if (text(spec, "signerName") != kKubeletServingSigner) {
    return no("signer is \"" + text(spec, "signerName") + "\", not " +
              std::string(kKubeletServingSigner));
  }
  if (csr_decided(csr)) return no("already approved or denied");
  const std::string name = csr_requesting_node(csr);
  if (name.empty()) return no("not requested by a node (user \"" + text(spec, "username") + "\")");
  bool in_nodes = false;
  if (spec.contains("groups") && spec["groups"].is_array()) {
    for (const auto& g : spec["groups"]) {
      in_nodes = in_nodes || (g.is_string() && g.get<std::string>() == constants::kNodesGroup);
    }
  }
  if (!in_nodes) return no("the requester is not in the group system:nodes");

  std::string pem;
  if (!str::base64_decode(text(spec, "request"), pem)) return no("spec.request is not base64");
  auto req = parse_request(pem);
  if (!req) return no("spec.request is not a PEM certificate request");
  if (req->cn != std::string(constants::kNodeUserPrefix) + name) {
    return no("subject CN \"" + req->cn + "\" is not system:node:" + name);
  }
  if (req->orgs != std::vector<std::string>{std::string(constants::kNodesGroup)}) {
    return no("subject organization is not exactly system:nodes");
  }
  static const std::set<std::string> kAllowedUsages = {"digital signature", "key encipherment",
                                                       "server auth"};
  bool server_auth = false;
  for (const auto& u : spec.value("usages", json::array())) {
    const std::string usage = u.is_string() ? u.get<std::string>() : "";
    if (!kAllowedUsages.contains(usage)) return no("usage \"" + usage + "\" is not a server usage");
    server_auth = server_auth || usage == "server auth";
  }
  if (!server_auth) return no("usages lack \"server auth\"");
  if (req->other_sans > 0) return no("the request names e-mail or URI subject alternative names");
  if (req->dns.empty() && req->ips.empty()) return no("the request names no DNS name or IP");

  if (!node.is_object()) return no("there is no Node \"" + name + "\"");
  std::set<std::string> node_dns;
  std::set<std::string> node_ips;
  for (const auto& a : node.value("status", json::object()).value("addresses", json::array())) {
    const std::string type = text(a, "type");
    const std::string address = text(a, "address");
    if (type == "InternalIP" || type == "ExternalIP") {
      node_ips.insert(address);
    } else if (type == "Hostname" || type == "InternalDNS" || type == "ExternalDNS") {
      node_dns.insert(address);
    }
  }
  for (const auto& d : req->dns) {
    if (!node_dns.contains(d))
      return no("DNS name \"" + d + "\" is not an address of Node " + name);
  }
  for (const auto& ip : req->ips) {
    if (ip.empty() || !node_ips.contains(ip)) {
      return no("IP \"" + ip + "\" is not an address of Node " + name);
    }
  }
  return {true, "requested by node " + name + " for " + str::join(req->dns, ",") +
                    (req->dns.empty() || req->ips.empty() ? "" : ",") + str::join(req->ips, ",")};
}

json approved_csr(json csr) {
  if (!csr.contains("status") || !csr["status"].is_object()) csr["status"] = json::object();
  if (!csr["status"].contains("conditions") || !csr["status"]["conditions"].is_array()) {
    csr["status"]["conditions"] = json::array();
  }
  csr["status"]["conditions"].push_back(
      {{"type", "Approved"},
       {"status", "True"},
       {"reason", "KadmKubeletServingApproved"},
       {"message", "kadm: the names requested are the Node's own addresses"}});
  return csr;
}

}  // namespace kadm::clusterobjects
