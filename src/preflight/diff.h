#pragma once
// A small line diff in unified format, to show what --fix changes in a file.

#include <optional>
#include <string>

namespace kadm::preflight {

/// Unified diff of `before` (nullopt = file does not exist yet) → `after`, 3 lines of context;
/// "" when they are equal.
std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::string& after);

}  // namespace kadm::preflight
