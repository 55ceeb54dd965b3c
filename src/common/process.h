#pragma once
// Runs a program without a shell and captures what it prints.

#include <string>
#include <vector>

#include "common/error.h"

namespace kadm {

struct ProcessResult {
  int exit_code = 0;   // 128 when killed by a signal
  std::string output;  // stdout and stderr combined
};

// An error only when the program could not be started at all (exit 127 from exec).
Result<ProcessResult> run_process(const std::vector<std::string>& argv);

}  // namespace kadm
