#pragma once
#include <functional>

#include "common/error.h"

namespace kadm::cli {

// The one place where error kinds become process exit codes (documented in README.md).
int exit_code_for(const Error& error);

// The exit code for a command line CLI11 refused, given what CLI11's App::exit returned (after
// printing the message): its "success" answers (--help, --help-all) stay 0, every invalid flag,
// value or argument is 3, as invalid configuration is.
int exit_code_for_parse(int cli11_exit_code);

// Runs `action` and turns an exception that a library threw past every module (a bug: modules
// catch their libraries' exceptions) into an Error, so the process ends with a message and an
// exit code instead of std::terminate.
Status run_guarded(const std::function<Status()>& action);

}  // namespace kadm::cli
