#pragma once
// RFC 3339 times as they appear in bootstrap token `expires` fields.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kadm::config {

using TimePoint = std::chrono::system_clock::time_point;

/// "2030-01-02T15:04:05Z", "2030-01-02T15:04:05.5+02:00"; nullopt if malformed.
std::optional<TimePoint> parse_rfc3339(std::string_view text);
/// UTC, whole seconds: "2030-01-02T15:04:05Z".
std::string format_rfc3339(TimePoint t);

}  // namespace kadm::config
