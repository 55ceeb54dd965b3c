#include "apiclient/dry_run_client.h"

#include <spdlog/spdlog.h>

namespace kadm::apiclient {

namespace {

std::string describe_target(const Request& r) {
  if (!r.body || !r.body->is_object() || !r.body->contains("kind")) return r.path;
  const json& md = r.body->value("metadata", json::object());
  std::string ns = md.value("namespace", "");
  std::string name = md.value("name", "");
  return r.body->value("kind", "object") + " " + (ns.empty() ? "" : ns + "/") + name;
}

bool is_node_read(const Request& r) {
  return r.method == "GET" && r.path.starts_with("/api/v1/nodes/");
}

}  // namespace

ApiResult<json> DryRunClient::send(const Request& r) {
  if (r.method == "GET") {
    if (is_node_read(r)) {
      std::string name = r.path.substr(std::string_view("/api/v1/nodes/").size());
      return json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}}}};
    }
    return std::unexpected(
        error_from_response(r.method, r.path, 404, R"({"kind":"Status","reason":"NotFound"})"));
  }
  if (m_narrate) {
    m_narrate(r);
  } else {
    const char* verb = r.method == "DELETE"  ? "delete"
                       : r.method == "PATCH" ? "patch"
                                             : "create/update";
    spdlog::info("[dryrun] Would {} {}", verb, describe_target(r));
  }
  json answer = r.body.value_or(json::object());
  if (answer.is_object()) answer["metadata"]["uid"] = "00000000-0000-0000-0000-dry-run";
  return answer;
}

}  // namespace kadm::apiclient
