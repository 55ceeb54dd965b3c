#include "init/api_client.h"

#include <spdlog/spdlog.h>

#include "apiclient/curl_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/objects.h"
#include "apiclient/rbac_retry.h"
#include "apiclient/wait.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/object_rules.h"

namespace kadm::init {

namespace {

using apiclient::ApiError;
using apiclient::ApiResult;
using apiclient::json;

std::string describe_target(const apiclient::Request& r) {
  if (!r.body || !r.body->is_object() || !r.body->contains("kind")) return r.path;
  const json& md = r.body->value("metadata", json::object());
  std::string ns = md.value("namespace", "");
  std::string name = md.value("name", "");
  return r.body->value("kind", "object") + " " + (ns.empty() ? "" : ns + "/") + name;
}

bool is_node_read(const apiclient::Request& r) {
  return r.method == "GET" && r.path.starts_with("/api/v1/nodes/");
}

Result<std::unique_ptr<apiclient::Client>> client_from(const std::filesystem::path& kubeconfig,
                                                       Duration api_call_timeout) {
  auto kc = KADM_TRY_CTX(apiclient::load_kubeconfig(kubeconfig.string()),
                         "loading the API client kubeconfig");
  apiclient::CurlClientOptions o;
  o.retry.total_deadline = api_call_timeout;
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, o));
  // wait-control-plane waited for /readyz, but a re-run can meet an apiserver that the kubelet
  // has just restarted: its RBAC roles may still be missing for a moment.
  return std::unique_ptr<apiclient::Client>(
      std::make_unique<apiclient::RbacBootstrapRetry>(std::move(client), api_call_timeout));
}

// admin.conf's group gets cluster-admin through this binding; until it exists only
// super-admin.conf (system:masters) may create it (spec §2).
Status ensure_cluster_admins(InitData& d, apiclient::Client& admin) {
  const json binding = clusterobjects::cluster_admins_binding();
  auto create = [&](apiclient::Client& c) -> ApiResult<bool> {
    auto r = apiclient::apply_object(c, binding);
    if (r || r.error().is_already_exists()) return true;
    return std::unexpected(std::move(r).error());
  };
  std::unique_ptr<apiclient::Client> super_admin;
  apiclient::WaitOptions w;
  w.timeout = d.cfg.timeouts.kubernetes_api_call;
  w.what = "the ClusterRoleBinding \"kubeadm:cluster-admins\"";
  return apiclient::wait_for(
      [&]() -> Result<bool> {
        auto r = create(admin);
        if (r) return true;
        if (!r.error().is_forbidden()) return std::unexpected(Error(std::move(r).error()));
        if (!super_admin) {
          spdlog::debug("[init] admin.conf may not create {} yet; using super-admin.conf",
                        clusterobjects::kClusterAdminsBinding);
          super_admin = KADM_TRY(client_from(d.options.kubeconfig_dir / "super-admin.conf",
                                             d.cfg.timeouts.kubernetes_api_call));
        }
        auto s = create(*super_admin);
        if (!s) return std::unexpected(Error(std::move(s).error()));
        return true;
      },
      w);
}

}  // namespace

ApiResult<json> DryRunClient::send(const apiclient::Request& r) {
  if (r.method == "GET") {
    if (is_node_read(r)) {
      std::string name = r.path.substr(std::string_view("/api/v1/nodes/").size());
      return json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}}}};
    }
    return std::unexpected(apiclient::error_from_response(
        r.method, r.path, 404, R"({"kind":"Status","reason":"NotFound"})"));
  }
  const char* verb = r.method == "DELETE"  ? "delete"
                     : r.method == "PATCH" ? "patch"
                                           : "create/update";
  spdlog::info("[dryrun] Would {} {}", verb, describe_target(r));
  json answer = r.body.value_or(json::object());
  if (answer.is_object()) answer["metadata"]["uid"] = "00000000-0000-0000-0000-dry-run";
  return answer;
}

Result<apiclient::Client*> api_client(InitData& d) {
  if (d.api) return d.api.get();
  std::unique_ptr<apiclient::Client> client;
  if (d.options.dry_run) {
    client = std::make_unique<DryRunClient>();
  } else {
    client = KADM_TRY(client_from(d.admin_conf(), d.cfg.timeouts.kubernetes_api_call));
  }
  if (clusterobjects::object_rules(d.version).cluster_admins_binding) {
    KADM_TRY_CTX(ensure_cluster_admins(d, *client),
                 "could not create the ClusterRoleBinding for admin.conf's group");
  }
  d.api = std::move(client);
  return d.api.get();
}

Status apply_objects(apiclient::Client& client, const std::vector<json>& objects) {
  for (const auto& o : objects) {
    auto r = apiclient::apply_object(client, o);
    if (!r) {
      const json& md = o.value("metadata", json::object());
      return std::unexpected(Error(std::move(r).error())
                                 .with_context("could not apply " + o.value("kind", "object") +
                                               " \"" + md.value("name", "") + "\""));
    }
  }
  return {};
}

}  // namespace kadm::init
