#include "preflight/run_checks.h"

#include <nlohmann/json.hpp>
#include <ostream>

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

// Runs one check, printing its warnings at once and collecting errors, as kubeadm does.
void run_one(const Check& check, const host::Host& host, const IgnoreSet& ignore, std::ostream& out,
             Report& report, std::vector<Pending>& errors) {
  Findings f = check.run(host);
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
    run_one(c, host, ignore, out, report, errors);
    if (!errors.empty()) {
      print_errors(errors, out);
      report.fatal = true;
      return report;
    }
  }
  out << heading << "\n";
  for (const auto& c : checks) {
    if (c.name != kRootCheck) run_one(c, host, ignore, out, report, errors);
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
  for (const auto& c : checks) run_one(c, host, ignore, out, report, errors);
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
