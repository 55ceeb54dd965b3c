#pragma once
// Unified diffs (`diff -u` style) of two texts, for `kadm upgrade diff` (spec-upgrade §4).

#include <string>
#include <string_view>

namespace kadm::upgrade {

// "--- <from_name>\n+++ <to_name>\n@@ -a,b +c,d @@\n..." with `context` lines around each
// change; "" when the texts are equal.
std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_name,
                         std::string_view to_name, int context = 3);

}  // namespace kadm::upgrade
