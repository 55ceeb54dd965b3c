#pragma once
// A preflight check is a small value: a name (what users pass to --ignore-preflight-errors), the
// severity its problems usually have, a function of the host returning findings, and optionally
// a fix planner. Check sets (check_sets.h) are plain vectors of these.

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "host/host.h"

namespace kadm::preflight {

enum class Severity { Warning, Error };

struct Findings {
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  bool ok() const { return warnings.empty() && errors.empty(); }
};

// One finding of either severity, for checks that report a single problem.
inline Findings error(std::string msg) { return Findings{{}, {std::move(msg)}}; }
inline Findings warning(std::string msg) { return Findings{{std::move(msg)}, {}}; }

// A change to a file, as a pure function of its current content (nullopt = file missing).
// Planners describe edits rather than final bytes so several fixes touching one file compose.
struct FileEdit {
  std::string path;  // host path, e.g. "/etc/fstab"
  mode_t mode = 0644;
  std::function<std::string(const std::optional<std::string>& current)> edit;
};

// A command that changes live kernel/system state (swapoff -a, setenforce 0, ...).
struct LiveCommand {
  std::vector<std::string> argv;
  std::string why;
};

using FixStep = std::variant<FileEdit, LiveCommand>;

struct Fix {
  std::string summary;  // one line: what the fix does
  // Only the steps the current host state needs; an already-fixed host yields nothing.
  std::function<std::vector<FixStep>(const host::Host&)> plan;
};

struct Check {
  std::string name;
  Severity severity = Severity::Error;
  std::function<Findings(const host::Host&)> run;
  std::optional<Fix> fix;
  // How to fix it by hand; shown in reports.
  std::string hint;
};

}  // namespace kadm::preflight
