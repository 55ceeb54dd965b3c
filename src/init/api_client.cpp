#include "init/api_client.h"

#include <spdlog/spdlog.h>

#include "apiclient/objects.h"
#include "apiclient/wait.h"
#include "clusterobjects/bootstrap_objects.h"
#include "clusterobjects/object_rules.h"

namespace kadm::init {

namespace {

using apiclient::ApiError;
using apiclient::ApiResult;
using apiclient::json;

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
  bool created_by_super_admin = false;
  apiclient::WaitOptions w;
  w.timeout = d.cfg.timeouts.kubernetes_api_call;
  // RBAC's cache sees a new binding within milliseconds: a fixed half-second poll was all of this
  // wait (a fresh control plane's upload-config took 0.6 s instead of 0.1 s). Quick first looks,
  // then back to half a second if RBAC is slow.
  w.interval = Duration{25};
  w.max_interval = Duration{500};
  w.what = "the ClusterRoleBinding \"kubeadm:cluster-admins\"";
  return apiclient::wait_for(
      [&]() -> Result<bool> {
        auto r = create(admin);
        if (r) return true;
        if (!r.error().is_forbidden()) return std::unexpected(Error(std::move(r).error()));
        if (!super_admin) {
          spdlog::debug("[init] admin.conf may not create {} yet; using super-admin.conf",
                        clusterobjects::kClusterAdminsBinding);
          super_admin = KADM_TRY(d.connect.api(d.options.kubeconfig_dir / "super-admin.conf",
                                               d.cfg.timeouts.kubernetes_api_call));
        }
        if (!created_by_super_admin) {
          auto s = create(*super_admin);
          if (!s) return std::unexpected(Error(std::move(s).error()));
          created_by_super_admin = true;
        }
        // Done only once admin.conf itself is allowed: RBAC's informers see a new binding a
        // moment after it is stored, and the next API phase would meet that 403 instead.
        return false;
      },
      w);
}

Result<std::unique_ptr<apiclient::Client>> make_api_client(InitData& d) {
  std::unique_ptr<apiclient::Client> client =
      KADM_TRY(d.connect.api(d.admin_conf(), d.cfg.timeouts.kubernetes_api_call));
  if (clusterobjects::object_rules(d.version).cluster_admins_binding) {
    KADM_TRY_CTX(ensure_cluster_admins(d, *client),
                 "could not create the ClusterRoleBinding for admin.conf's group");
  }
  return client;
}

}  // namespace

void start_api_client(InitData& d) {
  if (!d.api_wanted || d.api || d.early_api.valid()) return;
  d.early_api = std::async(std::launch::async, [&d] { return make_api_client(d); });
}

Result<apiclient::Client*> api_client(InitData& d) {
  if (d.api) return d.api.get();
  if (d.early_api.valid()) {
    auto early = d.early_api.get();
    if (early) {
      d.api = std::move(*early);
      return d.api.get();
    }
    spdlog::debug("[init] the API client made while kube-apiserver started failed ({}); again",
                  early.error().text());
  }
  d.api = KADM_TRY(make_api_client(d));
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
