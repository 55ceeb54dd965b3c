#pragma once
#include "common/error.h"

namespace kadm::cli {

// The one place where error kinds become process exit codes (documented in README.md).
int exit_code_for(const Error& error);

}  // namespace kadm::cli
