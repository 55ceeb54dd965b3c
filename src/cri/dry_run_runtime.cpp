#include "cri/dry_run_runtime.h"

#include <spdlog/spdlog.h>

namespace kadm::cri {

Result<std::string> DryRunRuntime::pull_image(const std::string& image) const {
  spdlog::info("[dryrun] Would pull the image {} through {}", image, endpoint());
  return image;
}

Result<std::vector<PodSandbox>> DryRunRuntime::list_pod_sandboxes(
    const PodSandboxFilter& filter) const {
  auto items = KADM_TRY(m_real->list_pod_sandboxes(filter));
  std::lock_guard lock(m_mutex);
  std::erase_if(items, [&](const PodSandbox& p) { return m_removed.contains(p.id); });
  return items;
}

Status DryRunRuntime::stop_pod_sandbox(const std::string& sandbox_id) const {
  spdlog::info("[dryrun] Would stop the pod sandbox {} and its containers", sandbox_id);
  return {};
}

Status DryRunRuntime::remove_pod_sandbox(const std::string& sandbox_id) const {
  spdlog::info("[dryrun] Would remove the pod sandbox {} and its containers", sandbox_id);
  std::lock_guard lock(m_mutex);
  m_removed.insert(sandbox_id);
  return {};
}

Result<std::vector<Container>> DryRunRuntime::list_containers(const ContainerFilter& filter) const {
  auto items = KADM_TRY(m_real->list_containers(filter));
  std::lock_guard lock(m_mutex);
  std::erase_if(items, [&](const Container& c) { return m_removed.contains(c.pod_sandbox_id); });
  return items;
}

Connector dry_run_connector(Connector connect) {
  return [connect =
              std::move(connect)](const std::string& endpoint) -> Result<std::unique_ptr<Runtime>> {
    auto real = KADM_TRY(connect(endpoint));
    return std::unique_ptr<Runtime>(std::make_unique<DryRunRuntime>(std::move(real)));
  };
}

}  // namespace kadm::cri
