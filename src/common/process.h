#pragma once
// Runs a program without a shell and captures what it prints.

#include <string>
#include <vector>

#include "common/duration.h"
#include "common/error.h"

namespace kadm {

struct ProcessResult {
  int exit_code = 0;   // 128 when killed by a signal
  std::string output;  // stdout and stderr combined
};

struct ProcessOptions {
  // After this the program is killed (SIGKILL) and the call fails with ErrorKind::Timeout.
  Duration timeout{std::chrono::minutes(5)};
};

// Started with posix_spawn (nothing runs in a forked copy of this process), stdin from
// /dev/null, stdout and stderr into one pipe. An error when the program cannot be started
// (not found, not executable) or outlives `timeout`.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options = {});

}  // namespace kadm
