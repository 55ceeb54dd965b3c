#include "output_mode.h"

#include <iostream>

#include "exit_code.h"

namespace kadm::cli {

void add_output_flag(CLI::App* app, OutputMode& mode) {
  app->add_option("-o,--output", mode.format,
                  "Output format: text (human) or json (one progress event per line on stdout)")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
}

Status run_with_progress(const OutputMode& mode,
                         const std::function<Status(output::ProgressWriter*)>& body) {
  if (!mode.json()) return body(nullptr);
  output::ProgressWriter progress(std::cout);
  progress.capture_warnings();
  Status s = body(&progress);
  if (!s) progress.error(s.error(), exit_code_for(s.error()));
  return s;
}

}  // namespace kadm::cli
