#include "workflow/selection.h"

#include <map>

#include "common/strings.h"

namespace kadm::workflow {

std::vector<std::string> phase_names(const std::vector<FlatPhase>& phases) {
  std::vector<std::string> names;
  names.reserve(phases.size());
  for (const auto& p : phases) names.push_back(p.full_name);
  return names;
}

Result<std::vector<bool>> select_phases(const std::vector<FlatPhase>& phases,
                                        const SelectOptions& options) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < phases.size(); ++i) index[phases[i].full_name] = i;

  std::vector<std::string> problems;
  auto lookup = [&](const std::string& raw) -> long {
    std::string name = str::lower(str::trim(raw));
    while (!name.empty() && name.back() == '/') name.pop_back();
    if (auto it = index.find(name); it != index.end()) {
      // "certs/all" stands for its parent's subtree, as on the command line.
      const FlatPhase& p = phases[it->second];
      if (p.run_all_siblings && p.parent >= 0) return p.parent;
      return static_cast<long>(it->second);
    }
    std::string msg = "invalid phase name: \"" + raw + "\"";
    if (auto s = str::suggest(name, phase_names(phases)); !s.empty()) {
      msg += " (did you mean \"" + s + "\"?)";
    }
    problems.push_back(msg);
    return -1;
  };

  // A phase is inside the subtree of `root` when root is on its parent chain.
  auto in_subtree = [&](size_t i, size_t root) {
    for (long p = static_cast<long>(i); p >= 0; p = phases[static_cast<size_t>(p)].parent) {
      if (static_cast<size_t>(p) == root) return true;
    }
    return false;
  };

  std::vector<bool> selected(phases.size(), options.filter.empty());
  for (const auto& f : options.filter) {
    long root = lookup(f);
    if (root < 0) continue;
    for (size_t i = 0; i < phases.size(); ++i) {
      if (in_subtree(i, static_cast<size_t>(root))) selected[i] = true;
    }
  }
  for (const auto& s : options.skip) {
    long root = lookup(s);
    if (root < 0) continue;
    for (size_t i = 0; i < phases.size(); ++i) {
      if (in_subtree(i, static_cast<size_t>(root))) selected[i] = false;
    }
  }
  if (!problems.empty()) {
    std::string msg = str::join(problems, "; ");
    msg += ". Run with --help to see the phase tree";
    return fail(ErrorKind::Validation, msg);
  }
  return selected;
}

}  // namespace kadm::workflow
