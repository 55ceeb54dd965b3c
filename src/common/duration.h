#pragma once
// Go-style durations ("24h0m0s", "5m", "1.5h", "300ms"), the form kubeadm's config and flags use.

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm {

using Duration = std::chrono::milliseconds;

Result<Duration> parse_duration(std::string_view text);
// Formats as Go's time.Duration.String() does for whole milliseconds: "24h0m0s", "4m0s", "0s",
// "1.5s", "300ms".
std::string format_duration(Duration d);
// Short human form used by token list and check-expiration: "23h", "364d", "9y".
std::string short_human_duration(Duration d);

}  // namespace kadm
