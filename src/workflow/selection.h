#pragma once
// Which phases run: kubeadm's selection rules, independent of the run data type.
//  - names are lower-case and nested with '/': "certs/apiserver";
//  - a filter turns everything off, then on for each named phase and its whole subtree;
//  - a skip turns off the named phase and its whole subtree; skip wins over filter;
//  - an unknown name is an error with a "did you mean" suggestion.

#include <string>
#include <vector>

#include "common/error.h"

namespace kadm::workflow {

struct FlatPhase {
  std::string full_name;  // "certs/apiserver"
  int depth = 0;          // 0 for top-level phases
  int parent = -1;        // index into the flat list
  bool hidden = false;
  bool run_all_siblings = false;
};

struct SelectOptions {
  std::vector<std::string> filter;
  std::vector<std::string> skip;
};

// Returns one flag per flat phase: true when it is selected to run.
Result<std::vector<bool>> select_phases(const std::vector<FlatPhase>& phases,
                                        const SelectOptions& options);

// The name list for "did you mean" and help.
std::vector<std::string> phase_names(const std::vector<FlatPhase>& phases);

}  // namespace kadm::workflow
