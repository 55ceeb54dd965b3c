#pragma once
// Checks that talk to the container runtime over CRI (spec §8.2 rows CRI, ContainerRuntimeVersion,
// ImagePull, and "CRI socket detection"). They share one CriProbe, so the runtime is asked each
// question once per run however many checks need the answer.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cri/runtime.h"
#include "host/host.h"
#include "preflight/check.h"

namespace kadm::preflight {

// Safe to share between checks running side by side: each question is asked under one lock.
class CriProbe {
 public:
  /// `endpoint` as configured ("" = detect among known_cri_endpoints()); `connect` empty = the
  /// real gRPC client.
  CriProbe(std::string endpoint, cri::Connector connect);

  /// The configured endpoint, or the one known socket present on `host`. The error's text is a
  /// complete preflight message.
  Result<std::string> endpoint(const host::Host& host);
  /// The runtime, once it answered Version and Status and reports RuntimeReady. The error's text
  /// is a complete preflight message ("could not connect to the container runtime: ...").
  Result<const cri::Runtime*> runtime(const host::Host& host);
  const std::optional<cri::VersionInfo>& version() const { return m_version; }
  /// The runtime's sandbox image, when its status tells (after runtime() succeeded).
  const std::optional<std::string>& sandbox_image() const { return m_sandbox; }
  /// RuntimeConfig; nullopt when the runtime does not implement it.
  Result<std::optional<cri::RuntimeConfigInfo>> runtime_config(const host::Host& host);

 private:
  // Recursive: runtime() asks endpoint(), runtime_config() asks runtime().
  std::recursive_mutex m_mu;
  std::string m_configured;
  cri::Connector m_connect;
  std::optional<Result<std::string>> m_endpoint;
  std::unique_ptr<cri::Runtime> m_runtime;
  std::optional<Status> m_ready;
  std::optional<cri::VersionInfo> m_version;
  std::optional<std::string> m_sandbox;
  std::optional<Result<std::optional<cri::RuntimeConfigInfo>>> m_config;
};

std::shared_ptr<CriProbe> make_cri_probe(std::string endpoint, cri::Connector connect = {});

/// CRI (E): the runtime answers and is ready.
Check cri_check(std::shared_ptr<CriProbe> probe);
/// ContainerRuntimeVersion (W): the runtime implements RuntimeConfig, which newer kubelets need
/// for the cgroup driver. Says nothing when the runtime is unreachable (CRI reports that).
Check container_runtime_version(std::shared_ptr<CriProbe> probe);
/// ImagePull (E): makes `images` present under `pull_policy` (nodeRegistration.imagePullPolicy)
/// and `serial` (imagePullSerial). With the runtime unreachable and `cri_ignored`, warns and
/// skips instead of failing a second time for the same cause.
Check image_pull(std::vector<std::string> images, std::string pull_policy, bool serial,
                 std::shared_ptr<CriProbe> probe, bool cri_ignored);

}  // namespace kadm::preflight
