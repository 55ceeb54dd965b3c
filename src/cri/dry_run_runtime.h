#pragma once
// The container runtime of a --dry-run: questions go to the real runtime, changes are only said.
// Stopping or removing a sandbox prints what would happen and succeeds; the sandboxes "removed"
// this way (and their containers) are left out of later lists, so a caller that checks its work
// sees the outcome the real run would have. Pulling an image is only said, too.

#include <memory>
#include <mutex>
#include <set>

#include "cri/runtime.h"

namespace kadm::cri {

class DryRunRuntime final : public Runtime {
 public:
  explicit DryRunRuntime(std::unique_ptr<Runtime> real) : m_real(std::move(real)) {}

  const std::string& endpoint() const override { return m_real->endpoint(); }
  Result<VersionInfo> version() const override { return m_real->version(); }
  Result<RuntimeStatus> status(bool verbose) const override { return m_real->status(verbose); }
  Result<std::optional<RuntimeConfigInfo>> runtime_config() const override {
    return m_real->runtime_config();
  }
  Result<std::optional<ImageInfo>> image_status(const std::string& image) const override {
    return m_real->image_status(image);
  }
  Result<std::string> pull_image(const std::string& image) const override;
  Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter& filter) const override;
  Status stop_pod_sandbox(const std::string& sandbox_id) const override;
  Status remove_pod_sandbox(const std::string& sandbox_id) const override;
  Result<std::vector<Container>> list_containers(const ContainerFilter& filter) const override;
  Result<ContainerStatus> container_status(const std::string& container_id) const override {
    return m_real->container_status(container_id);
  }

 private:
  std::unique_ptr<Runtime> m_real;
  mutable std::mutex m_mutex;
  mutable std::set<std::string> m_removed;  // sandbox ids a real run would have removed
};

/// Wraps every Runtime `connect` makes in a DryRunRuntime.
Connector dry_run_connector(Connector connect);

}  // namespace kadm::cri
