#pragma once
// Runs a check set the way kubeadm does (spec §8.1): IsPrivilegedUser first and alone, then every
// other check; ignored errors become warnings; output is kubeadm's exact shape.

#include <iosfwd>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "host/host.h"
#include "preflight/check.h"

namespace kadm::preflight {

struct IgnoreSet {
  bool all = false;
  std::set<std::string> names;  // lower-cased
  bool ignores(std::string_view check_name) const;
  bool names_check(std::string_view check_name) const;  // named explicitly (not via "all")
};

/// Merges --ignore-preflight-errors values (each may be a comma list) and the config's list.
/// "all" together with names → Validation error. Unknown names are accepted with a warning line
/// on `out`, so scripts written for other versions keep working.
Result<IgnoreSet> parse_ignore_list(const std::vector<std::string>& values, std::ostream& out);

struct CheckResult {
  std::string check;
  std::string severity;  // "error", "warning" or "ok"
  std::string message;   // empty for "ok"
  std::string fix;       // how to fix it; empty when there is nothing to say
  bool ignored = false;  // an error turned into a warning by --ignore-preflight-errors
};

struct Report {
  std::vector<CheckResult> results;  // in check order; each check has ≥1 entry
  bool fatal = false;                // some error was not ignored
};

/// Runs `checks` against `host`, printing kubeadm-style lines to `out`. Nothing is thrown; a check
/// that cannot read what it needs reports that as a finding.
/// `heading` is printed once the root check passed.
Report run_checks(const std::vector<Check>& checks, const host::Host& host, const IgnoreSet& ignore,
                  std::ostream& out,
                  std::string_view heading = "[preflight] Running pre-flight checks");

/// Runs `checks` after run_checks (no root check, no header line), adding to `report` and
/// printing fatal errors the same way. Used for steps that only make sense once the checks
/// passed (image pulls).
void run_followup_checks(const std::vector<Check>& checks, const host::Host& host,
                         const IgnoreSet& ignore, std::ostream& out, Report& report);

/// The error a fatal report turns into: kind Preflight, text "preflight checks failed".
Status to_status(const Report& report);

std::string report_json(const Report& report);
std::string report_yaml(const Report& report);

}  // namespace kadm::preflight
