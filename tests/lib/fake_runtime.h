#pragma once
// Fakes of the container runtime seam (cri::Runtime) for unit tests.
//   RuntimeBase: every call fails, naming the call; a test fake overrides what it answers.
//   FakeNodeRuntime: a node's pod sandboxes and containers in memory, filtered as a runtime
//   filters them; stopping and removing change that state, and can be made to fail.

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cri/runtime.h"

namespace kadm::test {

class RuntimeBase : public cri::Runtime {
 public:
  explicit RuntimeBase(std::string endpoint = "unix:///run/fake.sock")
      : m_endpoint(std::move(endpoint)) {}
  const std::string& endpoint() const override { return m_endpoint; }
  Result<cri::VersionInfo> version() const override { return unanswered("Version"); }
  Result<cri::RuntimeStatus> status(bool) const override { return unanswered("Status"); }
  Result<std::optional<cri::RuntimeConfigInfo>> runtime_config() const override {
    return unanswered("RuntimeConfig");
  }
  Result<std::optional<cri::ImageInfo>> image_status(const std::string&) const override {
    return unanswered("ImageStatus");
  }
  Result<std::string> pull_image(const std::string&) const override {
    return unanswered("PullImage");
  }
  Result<std::vector<cri::PodSandbox>> list_pod_sandboxes(
      const cri::PodSandboxFilter&) const override {
    return unanswered("ListPodSandbox");
  }
  Status stop_pod_sandbox(const std::string&) const override {
    return unanswered("StopPodSandbox");
  }
  Status remove_pod_sandbox(const std::string&) const override {
    return unanswered("RemovePodSandbox");
  }
  Result<std::vector<cri::Container>> list_containers(const cri::ContainerFilter&) const override {
    return unanswered("ListContainers");
  }
  Result<cri::ContainerStatus> container_status(const std::string&) const override {
    return unanswered("ContainerStatus");
  }

 protected:
  static std::unexpected<Error> unanswered(const std::string& call) {
    return fail(call + ": this fake runtime does not answer it");
  }

 private:
  std::string m_endpoint;
};

struct FakeNode {
  std::vector<cri::PodSandbox> sandboxes;
  std::vector<cri::Container> containers;
  std::map<std::string, cri::ContainerStatus> statuses;  // by container id
  std::map<std::string, int> stop_failures;              // sandbox id → how many stops fail first
  std::map<std::string, int> remove_failures;  // sandbox id → how many removes fail first
  std::set<std::string> undying;               // removed "successfully" but still listed
  std::set<std::string> vanishing;             // gone once listed: stop says NotFound
  bool unreachable = false;                    // every call fails as a missing socket would
  std::vector<std::string> calls;              // "StopPodSandbox <id>", ...
  std::vector<std::string> connects;           // endpoints connected to
  std::mutex mu;
};

inline bool labels_match(const cri::StringMap& labels, const cri::StringMap& selector) {
  return std::ranges::all_of(selector, [&](const auto& kv) {
    auto it = labels.find(kv.first);
    return it != labels.end() && it->second == kv.second;
  });
}

class FakeNodeRuntime final : public RuntimeBase {
 public:
  FakeNodeRuntime(std::shared_ptr<FakeNode> node, std::string endpoint)
      : RuntimeBase(std::move(endpoint)), m_node(std::move(node)) {}

  Result<std::vector<cri::PodSandbox>> list_pod_sandboxes(
      const cri::PodSandboxFilter& f) const override {
    std::lock_guard lock(m_node->mu);
    m_node->calls.push_back("ListPodSandbox");
    if (m_node->unreachable) return gone();
    std::vector<cri::PodSandbox> out;
    for (const auto& p : m_node->sandboxes) {
      if (!f.id.empty() && p.id != f.id) continue;
      if (f.state && p.state != *f.state) continue;
      if (!labels_match(p.labels, f.label_selector)) continue;
      out.push_back(p);
    }
    return out;
  }
  Status stop_pod_sandbox(const std::string& id) const override {
    std::lock_guard lock(m_node->mu);
    m_node->calls.push_back("StopPodSandbox " + id);
    if (m_node->unreachable) return gone();
    if (m_node->vanishing.contains(id)) {
      std::erase_if(m_node->sandboxes, [&](const cri::PodSandbox& p) { return p.id == id; });
      return fail(ErrorKind::NotFound, "StopPodSandbox: the runtime answered NOT_FOUND: " + id);
    }
    if (auto& n = m_node->stop_failures[id]; n > 0) {
      --n;
      return fail("StopPodSandbox: the runtime answered UNKNOWN: network plugin is busy");
    }
    for (auto& p : m_node->sandboxes) {
      if (p.id == id) p.state = cri::SandboxState::NotReady;
    }
    for (auto& c : m_node->containers) {
      if (c.pod_sandbox_id == id) c.state = cri::ContainerState::Exited;
    }
    return {};
  }
  Status remove_pod_sandbox(const std::string& id) const override {
    std::lock_guard lock(m_node->mu);
    m_node->calls.push_back("RemovePodSandbox " + id);
    if (m_node->unreachable) return gone();
    if (auto& n = m_node->remove_failures[id]; n > 0) {
      --n;
      return fail("RemovePodSandbox: the runtime answered UNKNOWN: device or resource busy");
    }
    if (m_node->undying.contains(id)) return {};
    std::erase_if(m_node->sandboxes, [&](const cri::PodSandbox& p) { return p.id == id; });
    std::erase_if(m_node->containers,
                  [&](const cri::Container& c) { return c.pod_sandbox_id == id; });
    return {};
  }
  Result<std::vector<cri::Container>> list_containers(
      const cri::ContainerFilter& f) const override {
    std::lock_guard lock(m_node->mu);
    m_node->calls.push_back("ListContainers");
    if (m_node->unreachable) return gone();
    std::vector<cri::Container> out;
    for (const auto& c : m_node->containers) {
      if (!f.id.empty() && c.id != f.id) continue;
      if (f.state && c.state != *f.state) continue;
      if (!f.pod_sandbox_id.empty() && c.pod_sandbox_id != f.pod_sandbox_id) continue;
      if (!labels_match(c.labels, f.label_selector)) continue;
      out.push_back(c);
    }
    return out;
  }
  Result<cri::ContainerStatus> container_status(const std::string& id) const override {
    std::lock_guard lock(m_node->mu);
    m_node->calls.push_back("ContainerStatus " + id);
    if (m_node->unreachable) return gone();
    auto it = m_node->statuses.find(id);
    if (it == m_node->statuses.end()) {
      return fail(ErrorKind::NotFound, "ContainerStatus: the runtime answered NOT_FOUND");
    }
    return it->second;
  }

 private:
  std::unexpected<Error> gone() const {
    return fail(ErrorKind::NotFound, "no socket at " + endpoint().substr(7));
  }
  std::shared_ptr<FakeNode> m_node;
};

inline cri::Connector fake_node_connector(std::shared_ptr<FakeNode> node) {
  return [node](const std::string& endpoint) -> Result<std::unique_ptr<cri::Runtime>> {
    {
      std::lock_guard lock(node->mu);
      node->connects.push_back(endpoint);
    }
    return std::unique_ptr<cri::Runtime>(std::make_unique<FakeNodeRuntime>(node, endpoint));
  };
}

}  // namespace kadm::test
