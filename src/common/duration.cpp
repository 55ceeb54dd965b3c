#include "common/duration.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kadm {

Result<Duration> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::Validation,
                "invalid duration \"" + std::string(text) +
                    "\": use a number with a unit (ns, us, ms, s, m, h), e.g. 24h0m0s or 90s");
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return bad();
  long double total_ms = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return bad();
    std::string number(s.substr(0, i));
    // Go's rule: digits with at most one '.', and at least one digit ("1.5", ".5", "5.").
    if (std::ranges::count(number, '.') > 1 || number == ".") return bad();
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    long double per_unit_ms;
    if (unit == "h")
      per_unit_ms = 3600e3L;
    else if (unit == "m")
      per_unit_ms = 60e3L;
    else if (unit == "s")
      per_unit_ms = 1e3L;
    else if (unit == "ms")
      per_unit_ms = 1.0L;
    else if (unit == "us" || unit == "µs")
      per_unit_ms = 1e-3L;
    else if (unit == "ns")
      per_unit_ms = 1e-6L;
    else
      return bad();
    long double value = std::strtold(number.c_str(), nullptr);
    total_ms += value * per_unit_ms;
  }
  if (total_ms > 9.2e15L) return bad();
  auto ms = static_cast<int64_t>(std::llround(total_ms));
  return Duration{negative ? -ms : ms};
}

std::string format_duration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  if (ms < 0) ms = -ms;
  if (ms < 1000) return sign + std::to_string(ms) + "ms";
  int64_t h = ms / 3600000;
  int64_t m = (ms / 60000) % 60;
  int64_t s = (ms / 1000) % 60;
  int64_t frac = ms % 1000;
  std::string sec = std::to_string(s);
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f = std::string(3 - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    sec += "." + f;
  }
  std::string out = sign;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += sec + "s";
  return out;
}

std::string short_human_duration(Duration d) {
  // Same thresholds as k8s.io/apimachinery's duration.ShortHumanDuration.
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 60) return std::to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t dy = hours / 24;
    int64_t y = dy / 365;
    int64_t rd = dy % 365;
    return rd == 0 ? std::to_string(y) + "y" : std::to_string(y) + "y" + std::to_string(rd) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

}  // namespace kadm
