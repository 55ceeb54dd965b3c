#pragma once
// `--output text|json` of the long-running commands (init, join, reset): in json mode stdout
// carries only progress events (src/output/progress.h) and human text moves to stderr.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "output/progress.h"
#include "registry.h"

namespace kadm::cli {

struct OutputMode {
  std::string format = "text";
  bool json() const { return format == "json"; }
};

// Adds "-o,--output" (text|json) to `app`, bound to `mode`.
void add_output_flag(CLI::App* app, OutputMode& mode);

// Runs `body` with a ProgressWriter on stdout when `mode` is json (null otherwise): warnings
// become events and a failure ends with an "error" event carrying the process exit code.
Status run_with_progress(const OutputMode& mode,
                         const std::function<Status(output::ProgressWriter*)>& body);

// The observer to pass to Workflow::run (empty in text mode).
inline workflow::PhaseObserver observer_of(output::ProgressWriter* progress) {
  return progress ? progress->observer() : workflow::PhaseObserver{};
}

}  // namespace kadm::cli
