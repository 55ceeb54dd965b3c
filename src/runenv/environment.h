#pragma once
// The run environment: every seam a workflow acts or looks through, chosen once per run
// (cmd/phase_commands.h, set_run_environment). --dry-run is the choice of the dry-run
// implementations here — DryRunEffects, DryRunClient, DryRunMembers, DryRunRuntime, waits that
// answer at once, a kubelet that is not started, static pods only planned, images only announced,
// a Job run that only says what it would create — so phases never branch on it to decide whether
// to touch the machine or the network.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "apiclient/job.h"
#include "common/duration.h"
#include "common/error.h"
#include "cri/runtime.h"
#include "etcd/members.h"
#include "host/host.h"
#include "kubelet/client_credentials.h"
#include "kubelet/kubelet_service.h"
#include "plan/effects.h"
#include "preflight/image_pull.h"
#include "staticpod/health_wait.h"
#include "staticpod/rollout.h"

namespace kadm::runenv {

// An API client from a kubeconfig file, its calls retried until `api_call_timeout`.
using ApiConnector = std::function<Result<std::unique_ptr<apiclient::Client>>(
    const std::filesystem::path& kubeconfig, Duration api_call_timeout)>;
// An etcd member client at `client_url` with the etcd CA and the client certificate
// `<cert_dir>/<client_cert>.{crt,key}` (cert_dir as the files are on disk).
using EtcdConnector = std::function<Result<std::unique_ptr<etcd::EtcdMembers>>(
    const std::string& client_url, const std::string& cert_dir, const std::string& client_cert)>;
// Waits until every endpoint answers healthy (staticpod::wait_for_healthy).
using HealthWait = std::function<Status(const std::vector<staticpod::HealthEndpoint>&,
                                        const staticpod::WaitOptions&)>;
// Waits for the kubelet's serving CSR of `node` and approves it
// (clusterobjects::approve_own_serving_csr); `client` is asked for only when it is needed.
using ServingApprover =
    std::function<Status(const std::function<Result<apiclient::Client*>()>& client,
                         const std::string& node, Duration timeout, std::string_view log_prefix)>;
// Reads a file an earlier phase of this run wrote (admin.conf, for the cluster endpoint). A dry
// run wrote none: nullopt when the file is absent (one an earlier run left is read).
using WrittenFileReader =
    std::function<Result<std::optional<std::string>>(const host::Host&, const std::string&)>;

// Runs a Job in the cluster until it completes (apiclient::run_job_to_completion); returns the
// name it got.
using JobRun = std::function<Result<std::string>(apiclient::Client&, const apiclient::json& job,
                                                 const apiclient::JobRunOptions&)>;

// The seams a phase acts through besides Effects: factories made on demand by the phases that
// need them, and what the kubelet, the cluster and the runtime are asked to do.
struct Connectors {
  apiclient::Clock* clock = &apiclient::real_clock();
  ApiConnector api;
  EtcdConnector etcd;
  cri::Connector cri;
  HealthWait wait_healthy;
  kubelet::KubeletStarter start_kubelet;
  kubelet::ClientCredentials client_credentials;
  ServingApprover approve_serving;
  staticpod::Rollouts static_pods;
  preflight::ImagePull pull_images;
  WrittenFileReader read_written;
  JobRun run_job;
};

struct Environment {
  std::unique_ptr<plan::Effects> effects;
  std::unique_ptr<host::Host> host;
  Connectors connect;
};

// The real machine and network, or (dry_run) their dry-run implementations.
Environment choose(bool dry_run);

// The parts of choose(): the connectors alone (tests and callers that bring their own Host).
Connectors real_connectors();
Connectors dry_run_connectors();

}  // namespace kadm::runenv
