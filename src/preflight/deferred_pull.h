#pragma once
// The part of preflight's image pull that later phases of the same run wait for (init's
// kube-controller-manager and kube-scheduler images, awaited by wait-control-plane; its addon
// images, awaited by the addon phases). The groups are pulled on a thread of its own, one image
// after another as imagePullSerial asks, while the kubelet starts the control plane, and each
// phase reports the findings of its group as preflight would have (issue 13).

#include <condition_variable>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "preflight/run_checks.h"

namespace kadm::preflight {

struct DeferredGroup {
  std::vector<std::string> images;
  // Not begun before release() or wait() asks for it: a pull that would take the CPU from what
  // the run is waiting for meanwhile (on 2 cores, unpacking the addons' images slows the API
  // server's start by a second).
  bool on_release = false;
  // What this group's error tells the user to do, instead of the pull's failure_hint.
  std::optional<std::string> failure_hint{};
};

class DeferredPull {
 public:
  // Pulls one group, writing kubeadm-style lines to `out` and findings to `report`.
  using Pull = std::function<void(const std::vector<std::string>& images, std::ostream& out,
                                  Report& report)>;
  // Starts pulling `groups` in order; an empty group is done at once. `failure_hint` ends the
  // error of a failed group (unless it has its own): what the user does next, the run being past
  // its preflight.
  DeferredPull(std::vector<DeferredGroup> groups, Pull pull, const std::string& failure_hint);
  // stop(), then waits for the group being pulled: a run that ends early (a failed phase) does
  // not wait for pulls it no longer needs.
  ~DeferredPull();
  DeferredPull(const DeferredPull&) = delete;
  DeferredPull& operator=(const DeferredPull&) = delete;

  // A group index past the last names an empty group.
  const std::vector<std::string>& images(size_t group) const;

  // Lets an on_release group begin once the groups before it are done. Any thread. A group
  // index past the last names an empty group.
  void release(size_t group);

  // Waits for `group` (releasing it). The first call prints its lines to `out`; every call
  // returns the same verdict: a Preflight error naming the images when a failure was not ignored.
  Status wait(size_t group, std::ostream& out);

  // Starts no further group; those left are failed as not pulled.
  void stop();

 private:
  struct Group {
    std::vector<std::string> images;
    std::string failure_hint;
    bool held = false;  // guarded by m_mu
    std::ostringstream lines;
    Report report;
    std::promise<void> pulled;
    std::future<void> done;
    bool stopped = false;
    std::optional<Status> verdict;
  };
  std::vector<std::unique_ptr<Group>> m_groups;
  std::mutex m_mu;
  std::condition_variable m_cv;
  bool m_stop = false;  // guarded by m_mu
  std::thread m_thread;
};

// The groups init and a control-plane join leave to the background, in pull order: what the
// control plane starts from (init only): pause and etcd, awaited before etcd's manifest, then
// kube-apiserver (and pause with external etcd), awaited before the others; the controllers' images
// (kube-controller-manager, kube-scheduler), awaited before the wait for the control plane; the
// addons' (kube-proxy, CoreDNS), held until kube-apiserver answers.
enum class LaterImages : size_t { Etcd, Start, Controllers, Addons };

// One empty group per LaterImages, in its order, the Addons' held until released: what a run's
// prepare hooks fill.
inline std::vector<DeferredGroup> empty_later_groups() {
  std::vector<DeferredGroup> groups(static_cast<size_t>(LaterImages::Addons) + 1);
  groups[static_cast<size_t>(LaterImages::Addons)].on_release = true;
  return groups;
}

// For a run's data holding `deferred_pull` (null: nothing was deferred) and `out` (InitData,
// JoinData).
template <class Run>
void release_images(Run& d, LaterImages group) {
  if (d.deferred_pull) d.deferred_pull->release(static_cast<size_t>(group));
}

template <class Run>
Status await_images(Run& d, LaterImages group) {
  if (!d.deferred_pull) return {};
  return d.deferred_pull->wait(static_cast<size_t>(group), d.out ? *d.out : std::cout);
}

// A control-plane wait's WaitOptions::answered: the addons' pull begins once kube-apiserver
// answers.
template <class Run>
std::function<void(const std::string& component)> addons_once_apiserver_answers(Run& d) {
  return [&d](const std::string& component) {
    if (component == "kube-apiserver") release_images(d, LaterImages::Addons);
  };
}

}  // namespace kadm::preflight
