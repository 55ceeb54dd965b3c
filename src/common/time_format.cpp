#include "common/time_format.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace kadm {

namespace {

bool read_digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string format_rfc3339_utc(SystemTimePoint t) {
  std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<SystemTimePoint> parse_rfc3339(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorKind::Validation,
                "cannot parse \"" + std::string(s) + "\" as an RFC 3339 time");
  };
  size_t p = 0;
  int year, mon, day, hour, min, sec;
  if (!read_digits(s, p, 4, year) || !expect(s, p, '-') || !read_digits(s, p, 2, mon) ||
      !expect(s, p, '-') || !read_digits(s, p, 2, day) || !expect(s, p, 'T') ||
      !read_digits(s, p, 2, hour) || !expect(s, p, ':') || !read_digits(s, p, 2, min) ||
      !expect(s, p, ':') || !read_digits(s, p, 2, sec)) {
    return bad();
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) {
    return bad();
  }
  // A system_clock time point counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11.
  if (year < 1678 || year > 2261) {
    return fail(ErrorKind::Validation, "cannot use the time \"" + std::string(s) +
                                           "\": years before 1678 or after 2261 are not supported");
  }
  std::chrono::nanoseconds frac{0};
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    long long scale = 100000000;
    long long ns = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      ns += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return bad();
    frac = std::chrono::nanoseconds(ns);
  }
  int offset_secs = 0;
  if (p < s.size() && s[p] == 'Z') {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!read_digits(s, p, 2, oh) || !expect(s, p, ':') || !read_digits(s, p, 2, om)) {
      return bad();
    }
    offset_secs = sign * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  if (p != s.size()) return bad();

  auto ymd = std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(mon)} /
             std::chrono::day{static_cast<unsigned>(day)};
  if (!ymd.ok()) return bad();
  auto t = std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{min} +
           std::chrono::seconds{sec} - std::chrono::seconds{offset_secs};
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(t + frac);
}

}  // namespace kadm
