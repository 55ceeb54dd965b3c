#pragma once
// An Effects that remembers how to take back each action it passes on: what kadm init does while
// the images its control plane starts from are still being pulled (issue 13). If that pull
// fails, undo() leaves the host as the run found it, as a failed preflight would have; once the
// pull is in, keep() lets the writes stand.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plan/effects.h"

namespace kadm::plan {

class UndoableEffects final : public Effects {
 public:
  explicit UndoableEffects(std::unique_ptr<Effects> inner);

  Status apply(const Action& action) override;
  Status apply_all(const std::vector<Action>& actions) override;
  bool dry_run() const override { return m_inner->dry_run(); }
  void hold_writes() override { m_inner->hold_writes(); }
  Status commit_writes() override { return m_inner->commit_writes(); }
  void discard_held_writes() override { m_inner->discard_held_writes(); }

  // What a directory holds (every path below it; empty when it does not exist).
  using Listing = std::set<std::filesystem::path>;
  static Listing list_tree(const std::filesystem::path& dir);

  // A way back the actions do not show: something the run set going that writes on its own (the
  // kubelet running a pod). Taken back in its place among the actions, newest first: `take_back`
  // (through the inner Effects), then what appeared in `clean` since `before` was listed is
  // removed. Nothing is remembered once keep() or undo() ran.
  void remember_step(std::string what, std::function<Status(Effects& inner)> take_back,
                     std::filesystem::path clean = {}, Listing before = {});

  // Stops remembering; what was done stays.
  void keep();
  // Drops held writes, then takes back what was done, newest first: a file written is removed,
  // or its old content, mode and owner restored; a directory made is removed while empty; a
  // command with an `undo` runs it, then what appeared in its `writes_into` since it ran is
  // removed; a remembered step is taken back. Stops remembering. Returns what could not be taken
  // back, one line each.
  std::vector<std::string> undo();

 private:
  // An action's way back, or a remembered step's; then what appeared in `clean` since `kept`
  // was listed goes (RunCommand::writes_into, remember_step's directory).
  struct Step {
    std::optional<Action> action;
    std::string what;  // of a remembered step
    std::function<Status(Effects&)> take_back;
    std::filesystem::path clean;
    Listing kept;
  };
  static Step back(Action action, std::filesystem::path clean = {}, Listing kept = {}) {
    return {std::move(action), {}, {}, std::move(clean), std::move(kept)};
  }
  void remember(const Action& action);
  void remember_new_dirs(const std::filesystem::path& dir);
  void remove_new_entries(const Step& step, std::vector<std::string>& left);

  std::unique_ptr<Effects> m_inner;
  bool m_remembering = true;
  std::vector<Step> m_undo;           // taken back from the last
  std::vector<std::string> m_cannot;  // actions with no way back
};

}  // namespace kadm::plan
