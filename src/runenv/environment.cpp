#include "runenv/environment.h"

#include <spdlog/spdlog.h>

#include "apiclient/curl_client.h"
#include "apiclient/dry_run_client.h"
#include "apiclient/json_access.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/rbac_retry.h"
#include "clusterobjects/serving_csr_approval.h"
#include "cri/dry_run_runtime.h"
#include "cri/grpc_runtime.h"
#include "etcd/dry_run_members.h"
#include "etcd/gateway.h"
#include "host/linux_host.h"

namespace kadm::runenv {

namespace {

Result<std::unique_ptr<apiclient::Client>> api_client_from(const std::filesystem::path& kubeconfig,
                                                           Duration api_call_timeout) {
  auto kc = KADM_TRY_CTX(apiclient::load_kubeconfig(kubeconfig.string()),
                         "loading the kubeconfig " + kubeconfig.string());
  apiclient::CurlClientOptions o;
  o.retry.total_deadline = api_call_timeout;
  auto client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, o));
  // A waited-for /readyz does not mean RBAC is ready: an apiserver the kubelet has just
  // restarted may still miss its roles for a moment.
  return std::unique_ptr<apiclient::Client>(
      std::make_unique<apiclient::RbacBootstrapRetry>(std::move(client), api_call_timeout));
}

}  // namespace

Connectors real_connectors() {
  Connectors c;
  c.api = api_client_from;
  c.etcd = [](const std::string& url, const std::string& cert_dir, const std::string& cert) {
    return etcd::gateway_client(url, cert_dir, cert);
  };
  c.cri = cri::grpc_connector();
  c.wait_healthy = staticpod::wait_for_healthy;
  c.start_kubelet = kubelet::start_kubelet;
  c.client_credentials = kubelet::request_client_credentials;
  c.approve_serving = [](const std::function<Result<apiclient::Client*>()>& client,
                         const std::string& node, Duration timeout,
                         std::string_view prefix) -> Status {
    return clusterobjects::approve_own_serving_csr(*KADM_TRY(client()), node, timeout, prefix);
  };
  c.pull_images = preflight::pull_images;
  c.read_written = [](const host::Host& host,
                      const std::string& path) -> Result<std::optional<std::string>> {
    return KADM_TRY(host.read_file(path));
  };
  c.run_job = apiclient::run_job_to_completion;
  return c;
}

Connectors dry_run_connectors() {
  Connectors c;
  c.api = [](const std::filesystem::path&, Duration) -> Result<std::unique_ptr<apiclient::Client>> {
    return std::make_unique<apiclient::DryRunClient>();
  };
  // Reads the real member list when this node has the client certificate (reset says what it
  // would remove); otherwise answers without contacting etcd.
  c.etcd = [](const std::string& url, const std::string& cert_dir,
              const std::string& cert) -> Result<std::unique_ptr<etcd::EtcdMembers>> {
    auto reader = etcd::gateway_client(url, cert_dir, cert);
    return std::make_unique<etcd::DryRunMembers>(reader ? std::move(*reader) : nullptr);
  };
  c.cri = cri::dry_run_connector(cri::grpc_connector());
  c.wait_healthy = [](const std::vector<staticpod::HealthEndpoint>& endpoints,
                      const staticpod::WaitOptions&) -> Status {
    for (const auto& e : endpoints) {
      spdlog::info("[dryrun] Would wait for {} to answer at {}", e.component, e.url);
    }
    return {};
  };
  c.start_kubelet = kubelet::start_no_kubelet;
  c.client_credentials = kubelet::plan_client_credentials;
  c.approve_serving = [](const std::function<Result<apiclient::Client*>()>&,
                         const std::string& node, Duration, std::string_view) -> Status {
    spdlog::info(
        "[dryrun] Would approve the kubelet serving certificate request of node \"{}\" once its "
        "names match the Node's addresses",
        node);
    return {};
  };
  c.static_pods = staticpod::dry_run_rollouts();
  c.pull_images = preflight::announce_image_pull;
  // admin.conf and the like were only planned; one an earlier run left is read as it is.
  c.read_written = [](const host::Host& host,
                      const std::string& path) -> Result<std::optional<std::string>> {
    if (!host.exists(path)) return std::nullopt;
    return KADM_TRY(host.read_file(path));
  };
  // A Job would never run in a dry run: nothing is created, so nothing can complete.
  c.run_job = [](apiclient::Client&, const apiclient::json& job,
                 const apiclient::JobRunOptions& o) -> Result<std::string> {
    spdlog::info(
        "[{}] Would create the Job with the prefix \"{}\" in namespace \"{}\" and wait until it "
        "completes",
        o.log_tag, apiclient::job_name_prefix(job),
        apiclient::text_member(apiclient::member(job, "metadata"), "namespace"));
    return std::string();
  };
  return c;
}

Environment choose(bool dry_run) {
  Environment env;
  if (dry_run) {
    env.effects = std::make_unique<plan::DryRunEffects>();
    env.connect = dry_run_connectors();
  } else {
    env.effects = std::make_unique<plan::RealEffects>();
    env.connect = real_connectors();
  }
  env.host = std::make_unique<host::LinuxHost>();
  return env;
}

}  // namespace kadm::runenv
