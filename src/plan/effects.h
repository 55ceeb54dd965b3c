#pragma once
// The one seam through which kadm changes a host. RealEffects writes atomically and runs
// commands; DryRunEffects prints what would happen and touches nothing; RecordingEffects keeps
// the actions for tests.

#include <functional>
#include <iosfwd>
#include <vector>

#include "common/error.h"
#include "plan/action.h"

namespace kadm::plan {

class Effects {
 public:
  virtual ~Effects() = default;
  virtual Status apply(const Action& action) = 0;
  // For wording only ("would" instead of "did"): whether anything is done is the run
  // environment's choice of Effects and connectors (src/runenv/).
  virtual bool dry_run() const { return false; }

  // In order. An implementation may carry out a run of file writes as one batch with the same
  // guarantees (RealEffects: fs::write_files_atomic).
  virtual Status apply_all(const std::vector<Action>& actions) {
    for (const auto& a : actions) {
      if (auto s = apply(a); !s) return s;
    }
    return {};
  }

  // A phase group (every certificate, every kubeconfig file) holds its file writes and commits
  // them together, so the whole group costs one sync per directory and its files' syncs overlap,
  // instead of a wait per pair. A run that fails before the commit writes none of them: the
  // group leaves nothing half-written. While holding, a caller must not read back what it wrote.
  // Any other action commits what is held first, so the order of effects is kept.
  virtual void hold_writes() {}
  virtual Status commit_writes() { return {}; }
  // Drops what is held and stops holding: the group failed.
  virtual void discard_held_writes() {}
};

// Runs `body` with the writes held: committed when it succeeds, discarded when it fails.
inline Status with_held_writes(Effects& effects, const std::function<Status()>& body) {
  effects.hold_writes();
  if (auto s = body(); !s) {
    effects.discard_held_writes();
    return s;
  }
  return effects.commit_writes();
}

class RealEffects final : public Effects {
 public:
  Status apply(const Action& action) override;
  // Consecutive WriteFiles are written as one batch: each file synced, all renamed, then one
  // sync per directory (instead of one per file).
  Status apply_all(const std::vector<Action>& actions) override;
  void hold_writes() override { m_holding = true; }
  Status commit_writes() override;
  void discard_held_writes() override {
    m_holding = false;
    m_held.clear();
  }

 private:
  Status apply_now(const Action& action);
  Status apply_all_now(const std::vector<Action>& actions);
  Status write_held();

  bool m_holding = false;
  std::vector<Action> m_held;  // WriteFiles only, each path once
};

class DryRunEffects final : public Effects {
 public:
  // Non-sensitive file contents (manifests, configs) are printed in full when show_content.
  explicit DryRunEffects(bool show_content = true) : m_show_content(show_content) {}
  Status apply(const Action& action) override;
  bool dry_run() const override { return true; }

 private:
  bool m_show_content;
};

class RecordingEffects final : public Effects {
 public:
  Status apply(const Action& action) override {
    actions.push_back(action);
    return {};
  }
  std::vector<Action> actions;
};

// Runs argv without a shell; returns combined output on success, an error naming the command
// and its output otherwise.
Result<std::string> run_command(const std::vector<std::string>& argv);

}  // namespace kadm::plan
