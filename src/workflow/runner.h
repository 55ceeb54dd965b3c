#pragma once
// Runs a typed workflow: flatten the phase tree in execution order (a parent just before its
// children), select (selection.h), build the run data once, then run each selected phase,
// wrapping failures as "error execution phase <name>".

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "workflow/phase.h"
#include "workflow/selection.h"

namespace kadm::workflow {

// Observes phase progress (machine-readable output, timings); all callbacks are optional.
struct PhaseObserver {
  std::function<void(const std::string& phase)> started;
  std::function<void(const std::string& phase, std::chrono::milliseconds took)> finished;
  std::function<void(const std::string& phase, const Error& error)> failed;
};

template <class Data>
class Workflow {
 public:
  explicit Workflow(std::vector<Phase<Data>> phases) : m_phases(std::move(phases)) { flatten(); }
  // Holds pointers into its own phase vector.
  Workflow(const Workflow&) = delete;
  Workflow& operator=(const Workflow&) = delete;

  const std::vector<FlatPhase>& flat() const { return m_flat; }
  const std::vector<Phase<Data>>& phases() const { return m_phases; }

  // Validates names without running anything (useful before building expensive data).
  Result<std::vector<bool>> select(const SelectOptions& options) const {
    return select_phases(m_flat, options);
  }

  Status run(const SelectOptions& options, const std::function<Result<Data*>()>& make_data,
             const PhaseObserver& observer = {}) const {
    std::vector<bool> selected = KADM_TRY(select(options));
    Data* data = nullptr;
    std::vector<size_t> open;  // groups whose `finish` is due, innermost last
    auto close_before = [&](size_t next) -> Status {
      while (!open.empty() && m_subtree_end[open.back()] <= next) {
        size_t g = open.back();
        open.pop_back();
        if (auto s = m_ptrs[g]->finish(*data); !s)
          return wrap(m_flat[g].full_name, s.error(), observer);
      }
      return {};
    };
    for (size_t i = 0; i < m_flat.size(); ++i) {
      KADM_TRY(close_before(i));
      if (!selected[i]) continue;
      const Phase<Data>& phase = *m_ptrs[i];
      if (!phase.run) continue;
      if (!data) {
        data = KADM_TRY(make_data());
        prepare(selected, *data);
      }
      const std::string& name = m_flat[i].full_name;
      if (phase.run_if) {
        auto go = phase.run_if(*data);
        if (!go) return wrap(name, go.error(), observer);
        if (!*go) continue;
      }
      if (observer.started) observer.started(name);
      auto start = std::chrono::steady_clock::now();
      if (auto s = phase.run(*data); !s) return wrap(name, s.error(), observer);
      if (observer.finished) {
        observer.finished(name, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start));
      }
      if (phase.finish) open.push_back(i);
    }
    return close_before(m_flat.size());
  }

  // The phase tree as kubeadm prints it under "The "init" command executes the following phases".
  std::string help_tree() const {
    std::string out;
    for (size_t i = 0; i < m_flat.size(); ++i) {
      if (m_flat[i].hidden) continue;
      const Phase<Data>& p = *m_ptrs[i];
      std::string label = std::string(static_cast<size_t>(m_flat[i].depth) * 2, ' ');
      label += m_flat[i].depth == 0 ? p.name : "/" + p.name;
      if (label.size() < 30) label += std::string(30 - label.size(), ' ');
      out += label + " " + p.short_help + "\n";
    }
    return out;
  }

  // The phase at a flat index, for generating "phase" subcommands.
  const Phase<Data>& at(size_t i) const { return *m_ptrs[i]; }

 private:
  void prepare(const std::vector<bool>& selected, Data& data) const {
    for (size_t i = 0; i < m_flat.size(); ++i) {
      if (selected[i] && m_ptrs[i]->prepare) m_ptrs[i]->prepare(data);
    }
  }

  static Status wrap(const std::string& name, const Error& e, const PhaseObserver& observer) {
    if (observer.failed) observer.failed(name, e);
    Error copy = e;
    return std::unexpected(std::move(copy).with_context("error execution phase " + name));
  }

  void flatten() {
    std::function<void(const Phase<Data>&, const std::string&, int, int)> visit =
        [&](const Phase<Data>& p, const std::string& prefix, int depth, int parent) {
          FlatPhase f;
          f.full_name = prefix.empty() ? p.name : prefix + "/" + p.name;
          f.depth = depth;
          f.parent = parent;
          f.hidden = p.hidden;
          f.run_all_siblings = p.run_all_siblings;
          m_flat.push_back(f);
          m_ptrs.push_back(&p);
          m_subtree_end.push_back(0);
          int me = static_cast<int>(m_flat.size()) - 1;
          for (const auto& c : p.children)
            visit(c, m_flat[static_cast<size_t>(me)].full_name, depth + 1, me);
          m_subtree_end[static_cast<size_t>(me)] = m_flat.size();
        };
    for (const auto& p : m_phases) visit(p, "", 0, -1);
  }

  std::vector<Phase<Data>> m_phases;
  std::vector<FlatPhase> m_flat;
  std::vector<const Phase<Data>*> m_ptrs;
  std::vector<size_t> m_subtree_end;  // one past the last flat index of each phase's subtree
};

}  // namespace kadm::workflow
