#pragma once
// RFC 3339 timestamps as the Kubernetes API and kubeadm's configuration write them
// ("2006-01-02T15:04:05Z"): bootstrap token expirations, certificate expiration reports.

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm {

using SystemTimePoint = std::chrono::system_clock::time_point;

// UTC, second precision (sub-seconds truncated).
std::string format_rfc3339_utc(SystemTimePoint t);
// Accepts "Z" or a "+hh:mm"/"-hh:mm" offset and optional fractional seconds, like Go's
// time.RFC3339 layout.
Result<SystemTimePoint> parse_rfc3339(std::string_view text);

}  // namespace kadm
