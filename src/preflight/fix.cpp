#include "preflight/fix.h"

#include <ctime>
#include <map>
#include <ostream>
#include <set>

#include "common/fs.h"
#include "common/strings.h"
#include "preflight/diff.h"

namespace kadm::preflight {

namespace {

std::string timestamp_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

std::string summary_of(const Findings& f) {
  std::vector<std::string> all = f.errors;
  all.insert(all.end(), f.warnings.begin(), f.warnings.end());
  return str::join(all, "; ");
}

// What the fixer knows about one file across all fixes of a run.
struct FileState {
  std::optional<std::string> original;  // as on disk before this run
  std::optional<std::string> planned;   // latest planned content
  bool backed_up = false;
};

}  // namespace

bool FixReport::changed_anything() const {
  for (const auto& o : outcomes) {
    if (!o.diffs.empty() || !o.commands.empty()) return true;
  }
  return false;
}

Result<FixReport> fix_host(const std::vector<Check>& checks, const host::Host& host,
                           plan::Effects& effects, const IgnoreSet& ignore, std::ostream& out,
                           const FixOptions& options) {
  const std::string suffix =
      ".kadm-backup-" + (options.backup_suffix.empty() ? timestamp_now() : options.backup_suffix);
  FixReport report;
  std::map<std::string, FileState> files;
  std::set<std::string> commands_done;

  for (const auto& check : checks) {
    if (!check.fix || ignore.names_check(check.name)) continue;
    Findings before = check.run(host);
    if (before.ok()) continue;
    FixOutcome outcome{check.name, {}, {}, ""};
    std::vector<plan::Action> actions;
    bool covered = false;
    for (const auto& step : check.fix->plan(host)) {
      if (const auto* cmd = std::get_if<LiveCommand>(&step)) {
        auto line = str::join(cmd->argv, " ");
        if (!commands_done.insert(line).second) {  // another check already ran it
          covered = true;
          continue;
        }
        outcome.commands.push_back(line);
        actions.push_back(plan::RunCommand{cmd->argv, cmd->why});
        continue;
      }
      const auto& edit = std::get<FileEdit>(step);
      auto [it, inserted] = files.try_emplace(edit.path);
      FileState& state = it->second;
      if (inserted) {
        if (auto content = host.read_file(edit.path)) state.original = *content;
        state.planned = state.original;
      }
      std::string next = edit.edit(state.planned);
      bool unchanged = state.planned ? next == *state.planned : next.empty();
      if (unchanged) continue;
      outcome.diffs.push_back(unified_diff(edit.path, state.planned, next));
      std::string real = host.real_path(edit.path);
      if (state.original && !state.backed_up) {
        auto mode = fs::file_mode(real);
        // The backup keeps the original's mode: some of these files are readable by root only.
        actions.push_back(
            plan::WriteFile{real + suffix, *state.original, mode ? *mode : 0644u, false});
        state.backed_up = true;
      }
      actions.push_back(plan::WriteFile{real, next, edit.mode, false});
      state.planned = next;
    }
    if (outcome.diffs.empty() && outcome.commands.empty()) {
      outcome.result =
          (covered ? "handled by the fixes above; still failing: " : "nothing kadm can change: ") +
          summary_of(before);
      out << "[fix] " << check.name << ": " << outcome.result << "\n";
      report.outcomes.push_back(std::move(outcome));
      continue;
    }
    out << "[fix] " << check.name << ": " << check.fix->summary << "\n";
    for (const auto& d : outcome.diffs) out << d;
    for (const auto& c : outcome.commands) out << "[fix] " << check.name << ": run: " << c << "\n";
    for (const auto& a : actions) {
      if (auto s = effects.apply(a); !s) {
        return fail_with(std::move(s), "fix " + check.name);
      }
      const auto* w = std::get_if<plan::WriteFile>(&a);
      if (w && w->path.string().ends_with(suffix) && !effects.dry_run()) {
        const auto& backup = w->path.string();
        out << "[fix] Backed up " << backup.substr(0, backup.size() - suffix.size()) << " to "
            << backup << "\n";
      }
    }
    if (effects.dry_run()) {
      outcome.result = "dry run: nothing changed";
    } else {
      Findings after = check.run(host);
      outcome.result = after.ok() ? "fixed" : "still failing: " + summary_of(after);
    }
    out << "[fix] " << check.name << ": " << outcome.result << "\n";
    report.outcomes.push_back(std::move(outcome));
  }
  if (!report.changed_anything()) {
    out << "[fix] Nothing to change: every check kadm knows how to fix already passes\n";
  }
  return report;
}

Status FixtureRootEffects::apply(const plan::Action& action) {
  if (const auto* cmd = std::get_if<plan::RunCommand>(&action)) {
    m_out << "[fix] Not running \"" << str::join(cmd->argv, " ")
          << "\": --root points at a directory tree, not at this machine's live state\n";
    return {};
  }
  return m_inner.apply(action);
}

}  // namespace kadm::preflight
