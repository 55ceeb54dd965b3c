#pragma once
// The reset workflow: preflight → remove-etcd-member → cleanup-node, and the closing notes.

#include <iosfwd>
#include <vector>

#include "reset/reset_data.h"
#include "workflow/phase.h"

namespace kadm::reset {

std::vector<workflow::Phase<ResetData>> reset_phases();

/// What reset deliberately leaves, each with the command that removes it.
void print_leftovers(std::ostream& out);

}  // namespace kadm::reset
