#pragma once
// `--fix`: for every failing check that knows a remedy, compute the change (a unified diff for
// files, the command for live state), apply it through plan::Effects, re-run the check, report.
// Files are backed up to "<file>.kadm-backup-<timestamp>" before their first change. A host that
// needs nothing changes nothing, and the report says so.

#include <iosfwd>
#include <string>
#include <vector>

#include "common/error.h"
#include "host/host.h"
#include "plan/effects.h"
#include "preflight/check.h"
#include "preflight/run_checks.h"

namespace kadm::preflight {

struct FixOptions {
  std::string backup_suffix;  // "" = current local time, YYYYMMDD-HHMMSS
};

struct FixOutcome {
  std::string check;
  std::vector<std::string> diffs;     // one per changed file
  std::vector<std::string> commands;  // live-state commands, as typed in a shell
  std::string result;                 // "fixed", "still failing: ...", "dry run", "failed: ..."
};

struct FixReport {
  std::vector<FixOutcome> outcomes;
  bool changed_anything() const;
};

/// Plans and applies fixes for the failing checks of `checks` that have one, skipping checks
/// the user named in --ignore-preflight-errors. Progress lines ("[fix] ...") go to `out`.
/// Errors only for failures of `effects` (a write or command that failed).
Result<FixReport> fix_host(const std::vector<Check>& checks, const host::Host& host,
                           plan::Effects& effects, const IgnoreSet& ignore, std::ostream& out,
                           const FixOptions& options = {});

// Effects for a --root fixture tree: file actions go to `inner`, live-state commands are only
// shown (they would change the running machine, not the tree).
class FixtureRootEffects final : public plan::Effects {
 public:
  FixtureRootEffects(plan::Effects& inner, std::ostream& out) : m_inner(inner), m_out(out) {}
  Status apply(const plan::Action& action) override;
  bool dry_run() const override { return m_inner.dry_run(); }

 private:
  plan::Effects& m_inner;
  std::ostream& m_out;
};

}  // namespace kadm::preflight
