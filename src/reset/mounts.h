#pragma once
// Mount points below a directory, from /proc/self/mountinfo, deepest first so nested mounts
// are unmounted before their parents.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::reset {

// Mount points strictly below `dir` (not `dir` itself), decoded (\040 → space), deepest first.
std::vector<std::string> mounts_below(std::string_view mountinfo, std::string_view dir);

// umount options for ResetConfiguration.unmountFlags names; an error names an unknown flag.
Result<std::vector<std::string>> umount_options(const std::vector<std::string>& unmount_flags);

}  // namespace kadm::reset
