#include "etcd/gateway.h"

#include "apiclient/curl_client.h"
#include "apiclient/json_access.h"
#include "common/fs.h"

namespace kadm::etcd {

namespace {

// uint64 fields come back as JSON strings from the gateway; accept numbers too.
std::string id_text(const apiclient::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  return "";
}

std::vector<std::string> strings(const apiclient::json& m, const char* field) {
  std::vector<std::string> out;
  if (const auto& list = apiclient::member(m, field); list.is_array()) {
    for (const auto& v : list) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

// What etcd answered, read without exceptions: odd members read as empty.
EtcdMember member_from(const apiclient::json& m) {
  EtcdMember member;
  member.id = id_text(apiclient::member(m, "ID"));
  member.name = apiclient::text_member(m, "name");
  member.peer_urls = strings(m, "peerURLs");
  member.client_urls = strings(m, "clientURLs");
  const auto& learner = apiclient::member(m, "isLearner");
  member.is_learner = learner.is_boolean() && learner.get<bool>();
  return member;
}

std::vector<EtcdMember> members_from(const apiclient::json& body) {
  std::vector<EtcdMember> members;
  const auto& list = apiclient::member(body, "members");
  if (!list.is_array()) return members;
  for (const auto& m : list) {
    if (m.is_object()) members.push_back(member_from(m));
  }
  return members;
}

class GatewayMembers final : public EtcdMembers {
 public:
  explicit GatewayMembers(std::unique_ptr<apiclient::CurlClient> client)
      : m_client(std::move(client)) {}

  Result<std::vector<EtcdMember>> list() override {
    auto body = KADM_TRY(post("/v3/cluster/member/list", apiclient::json::object(),
                              /*idempotent=*/true));
    return members_from(body);
  }

  Result<AddedMember> add(const std::vector<std::string>& peer_urls, bool learner) override {
    auto body = KADM_TRY(post("/v3/cluster/member/add",
                              apiclient::json{{"peerURLs", peer_urls}, {"isLearner", learner}}));
    if (!apiclient::member(body, "member").is_object() ||
        apiclient::member(body, "member").empty()) {
      return fail(ErrorKind::Api, "etcd answered the member add without the new member");
    }
    return AddedMember{member_from(body["member"]), members_from(body)};
  }

  Status promote(const std::string& id) override {
    KADM_TRY(post("/v3/cluster/member/promote", apiclient::json{{"ID", id}}));
    return {};
  }

  Status remove(const std::string& id) override {
    KADM_TRY(post("/v3/cluster/member/remove", apiclient::json{{"ID", id}}));
    return {};
  }

 private:
  // The gateway takes every call as a POST; only reads may be repeated after a timeout or a
  // 5xx (a repeated member/add would add a second member).
  Result<apiclient::json> post(const std::string& path, const apiclient::json& body,
                               bool idempotent = false) {
    apiclient::Request request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    request.idempotent = idempotent;
    auto r = m_client->send(request);
    if (!r) return std::unexpected(static_cast<Error>(r.error()));
    return *r;
  }

  std::unique_ptr<apiclient::CurlClient> m_client;
};

}  // namespace

Result<std::unique_ptr<EtcdMembers>> gateway_client(const std::string& client_url,
                                                    const std::string& cert_dir,
                                                    const std::string& client_cert) {
  apiclient::Kubeconfig kc;
  kc.source = "etcd client certificates in " + cert_dir;
  kc.server = client_url;
  kc.ca_pem = KADM_TRY(fs::read_file(cert_dir + "/etcd/ca.crt"));
  kc.client_cert_pem = KADM_TRY(fs::read_file(cert_dir + "/" + client_cert + ".crt"));
  kc.client_key_pem = KADM_TRY(fs::read_file(cert_dir + "/" + client_cert + ".key"));
  apiclient::CurlClientOptions options;
  options.request_timeout = Duration{5000};
  options.connect_timeout = Duration{3000};
  options.retry.total_deadline = Duration{15000};
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, options));
  return std::unique_ptr<EtcdMembers>(std::make_unique<GatewayMembers>(std::move(client)));
}

}  // namespace kadm::etcd
