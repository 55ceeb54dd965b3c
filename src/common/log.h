#pragma once
// kubeadm-style output through spdlog: "[phase] message" lines at info level go to the human
// stream (stdout, or stderr when stdout carries machine-readable output); warnings and errors go
// to stderr. Verbosity follows klog's -v: 0 = normal, 1..4 = debug detail, 5+ = trace.

#include <spdlog/spdlog.h>

#include <iosfwd>

namespace kadm::log {

struct Options {
  int verbosity = 0;
  bool human_to_stderr = false;  // --output json: stdout is reserved for JSON lines
};

void init(const Options& options);
// Sends every level to `out` (tests capture phase output with this).
void capture_to(std::ostream& out, int verbosity = 0);
int verbosity();

}  // namespace kadm::log
