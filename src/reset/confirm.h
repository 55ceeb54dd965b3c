#pragma once
// The "are you sure" question reset asks unless --force.

#include <iosfwd>

#include "common/error.h"

namespace kadm::reset {

/// Prints the warning and the [y/N] prompt to `out`, reads one line from `in`; only "y" or "Y"
/// (surrounding blanks ignored) continue, anything else (including end of input) is an error.
Status confirm_reset(std::istream& in, std::ostream& out);

}  // namespace kadm::reset
