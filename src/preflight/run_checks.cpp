#include "preflight/run_checks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "common/yaml_emit.h"
#include "preflight/check_sets.h"

namespace kadm::preflight {

namespace {

constexpr std::string_view kRootCheck = "IsPrivilegedUser";

struct Pending {
  std::string check;
  std::string message;
};

// How many checks run at once: most wait on a process (systemctl, kubelet --version), a socket
// or a file, so a few more than the cores finish the set in the time of its slowest member.
constexpr size_t kSideBySide = 8;

Findings findings_of(const Check& check, const host::Host& host) {
  try {
    return check.run(host);
  } catch (const std::exception& e) {
    // On a worker thread an escaping exception would end the process.
    return error("the check could not run: " + std::string(e.what()));
  }
}

// Every check's findings, in the order of `checks`, the checks run side by side.
std::vector<Findings> run_side_by_side(const std::vector<const Check*>& checks,
                                       const host::Host& host) {
  std::vector<Findings> found(checks.size());
  std::atomic<size_t> next{0};
  {
    std::vector<std::jthread> workers;
    for (size_t w = 0; w < std::min(kSideBySide, checks.size()); ++w) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < checks.size(); i = next++) {
          found[i] = findings_of(*checks[i], host);
        }
      });
    }
  }
  return found;
}

// Reports one check's findings: its warnings printed, its errors collected for the end, as
// kubeadm does (in the set's order; the checks have all run by then).
void report_one(const Check& check, Findings f, const IgnoreSet& ignore, std::ostream& out,
                Report& report, std::vector<Pending>& errors) {
  if (f.ok()) {
    report.results.push_back({check.name, "ok", "", "", false});
    return;
  }
  for (const auto& w : f.warnings) {
    out << "\t[WARNING " << check.name << "]: " << w << "\n";
    report.results.push_back({check.name, "warning", w, check.hint, false});
  }
  for (const auto& e : f.errors) {
    bool ignored = ignore.ignores(check.name);
    report.results.push_back({check.name, "error", e, check.hint, ignored});
    if (ignored) {
      out << "\t[WARNING " << check.name << "]: " << e << "\n";
    } else {
      errors.push_back({check.name, e});
    }
  }
}

void print_errors(const std::vector<Pending>& errors, std::ostream& out) {
  out << "[preflight] Some fatal errors occurred:\n";
  for (const auto& e : errors) out << "\t[ERROR " << e.check << "]: " << e.message << "\n";
  out << "[preflight] If you know what you are doing, you can make a check non-fatal with "
         "`--ignore-preflight-errors=...`\n";
}

}  // namespace

bool IgnoreSet::ignores(std::string_view check_name) const {
  return all || names.contains(str::lower(check_name));
}

bool IgnoreSet::names_check(std::string_view check_name) const {
  return names.contains(str::lower(check_name));
}

Result<IgnoreSet> parse_ignore_list(const std::vector<std::string>& values, std::ostream& out) {
  IgnoreSet set;
  for (const auto& value : values) {
    for (const auto& raw : str::split(value, ',')) {
      auto name = str::lower(str::trim(raw));
      if (name.empty()) continue;
      if (name == "all") {
        set.all = true;
        continue;
      }
      if (!is_known_check_name(name)) {
        out << "[preflight] WARNING: ignoring unknown preflight check name \"" << str::trim(raw)
            << "\" in --ignore-preflight-errors\n";
      }
      set.names.insert(name);
    }
  }
  if (set.all && !set.names.empty()) {
    return fail(ErrorKind::Validation,
                "ignorePreflightErrors: Invalid value: \"all\" cannot be used together with "
                "individual check names (" +
                    str::join({set.names.begin(), set.names.end()}, ",") +
                    "); pass either \"all\" or a list of names");
  }
  return set;
}

Report run_checks(const std::vector<Check>& checks, const host::Host& host, const IgnoreSet& ignore,
                  std::ostream& out, std::string_view heading) {
  Report report;
  std::vector<Pending> errors;
  // The root check runs first and alone: without root most other checks would report noise.
  for (const auto& c : checks) {
    if (c.name != kRootCheck) continue;
    report_one(c, findings_of(c, host), ignore, out, report, errors);
    if (!errors.empty()) {
      print_errors(errors, out);
      report.fatal = true;
      return report;
    }
  }
  out << heading << "\n";
  // Printed in the set's order whatever order they finish in.
  std::vector<const Check*> rest;
  for (const auto& c : checks) {
    if (c.name != kRootCheck) rest.push_back(&c);
  }
  auto found = run_side_by_side(rest, host);
  for (size_t i = 0; i < rest.size(); ++i) {
    report_one(*rest[i], std::move(found[i]), ignore, out, report, errors);
  }
  if (!errors.empty()) {
    print_errors(errors, out);
    report.fatal = true;
  }
  return report;
}

void run_followup_checks(const std::vector<Check>& checks, const host::Host& host,
                         const IgnoreSet& ignore, std::ostream& out, Report& report) {
  std::vector<Pending> errors;
  for (const auto& c : checks) report_one(c, findings_of(c, host), ignore, out, report, errors);
  if (!errors.empty()) {
    print_errors(errors, out);
    report.fatal = true;
  }
}

Status to_status(const Report& report) {
  if (report.fatal) return fail(ErrorKind::Preflight, "preflight checks failed");
  return {};
}

namespace {

nlohmann::ordered_json report_document(const Report& report) {
  auto checks = nlohmann::ordered_json::array();
  for (const auto& r : report.results) {
    checks.push_back({{"check", r.check},
                      {"severity", r.severity},
                      {"message", r.message},
                      {"fix", r.fix},
                      {"ignored", r.ignored}});
  }
  return {{"kind", "PreflightReport"}, {"fatal", report.fatal}, {"checks", checks}};
}

}  // namespace

std::string report_json(const Report& report) { return report_document(report).dump(2) + "\n"; }

std::string report_yaml(const Report& report) {
  return yaml::emit_ordered(report_document(report));
}

}  // namespace kadm::preflight
