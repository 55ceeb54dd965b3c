#include "preflight/deferred_pull.h"

#include <exception>
#include <ostream>

#include "common/strings.h"

namespace kadm::preflight {

DeferredPull::DeferredPull(std::vector<DeferredGroup> groups, Pull pull,
                           const std::string& failure_hint) {
  for (auto& group : groups) {
    auto g = std::make_unique<Group>();
    g->images = std::move(group.images);
    g->failure_hint = group.failure_hint.value_or(failure_hint);
    g->held = group.on_release && !g->images.empty();
    g->done = g->pulled.get_future();
    m_groups.push_back(std::move(g));
  }
  m_thread = std::thread([this, pull = std::move(pull)] {
    for (auto& g : m_groups) {
      try {
        {
          std::unique_lock lock(m_mu);
          m_cv.wait(lock, [&] { return !g->held || m_stop; });
          g->stopped = m_stop && !g->images.empty();
        }
        if (!g->stopped && !g->images.empty()) pull(g->images, g->lines, g->report);
        g->pulled.set_value();
      } catch (...) {
        g->pulled.set_exception(std::current_exception());
      }
    }
  });
}

void DeferredPull::release(size_t group) {
  if (group >= m_groups.size()) return;
  {
    std::lock_guard lock(m_mu);
    m_groups[group]->held = false;
  }
  m_cv.notify_all();
}

void DeferredPull::stop() {
  {
    std::lock_guard lock(m_mu);
    m_stop = true;
  }
  m_cv.notify_all();
}

DeferredPull::~DeferredPull() {
  stop();
  if (m_thread.joinable()) m_thread.join();
}

const std::vector<std::string>& DeferredPull::images(size_t group) const {
  static const std::vector<std::string> none;
  return group < m_groups.size() ? m_groups[group]->images : none;
}

Status DeferredPull::wait(size_t group, std::ostream& out) {
  if (group >= m_groups.size()) return {};
  Group& g = *m_groups[group];
  if (g.verdict) return *g.verdict;
  release(group);
  g.done.get();
  out << g.lines.str();
  if (g.stopped) {
    g.verdict = fail(ErrorKind::General,
                     "pulling " + str::join(g.images, ", ") + ": stopped before it began");
    return *g.verdict;
  }
  g.verdict = g.report.fatal
                  ? fail(ErrorKind::Preflight, "pulling " + str::join(g.images, ", ") +
                                                   " in the background: preflight checks failed (" +
                                                   g.failure_hint + ")")
                  : Status{};
  return *g.verdict;
}

}  // namespace kadm::preflight
