#pragma once
// The run environment: every seam a workflow acts or looks through, chosen once per run
// (cmd/phase_commands.h, set_run_environment). --dry-run is the choice of the dry-run
// implementations here — DryRunEffects, DryRunClient, DryRunMembers, DryRunRuntime, a health
// wait that answers at once — so phases never branch on it to decide whether to touch the
// machine or the network.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "common/duration.h"
#include "common/error.h"
#include "cri/runtime.h"
#include "etcd/members.h"
#include "host/host.h"
#include "plan/effects.h"
#include "staticpod/health_wait.h"

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

// The network-side seams (factories, made on demand by the phases that need them).
struct Connectors {
  apiclient::Clock* clock = &apiclient::real_clock();
  ApiConnector api;
  EtcdConnector etcd;
  cri::Connector cri;
  HealthWait wait_healthy;
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
