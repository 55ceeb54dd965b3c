#include "common/yaml_scalar_forms.h"

namespace kadm::yaml {
namespace {

// A cursor over the text; each helper consumes what it matches and says whether it did.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i == s.size(); }
  bool at(char c) const { return i < s.size() && s[i] == c; }
  bool eat(char c) {
    if (!at(c)) return false;
    ++i;
    return true;
  }
  bool eat_any(std::string_view set) {
    if (i < s.size() && set.find(s[i]) != std::string_view::npos) {
      ++i;
      return true;
    }
    return false;
  }
  void sign() { eat_any("+-"); }
  // Consumes a run of characters `ok` accepts; true when there was at least one.
  template <typename Pred>
  bool run(Pred ok) {
    const size_t start = i;
    while (i < s.size() && ok(s[i])) ++i;
    return i > start;
  }
  // Exactly `min` to `max` digits (greedy); their value, or nullopt.
  std::optional<int> number(size_t min, size_t max) {
    const size_t start = i;
    int value = 0;
    while (i < s.size() && i - start < max && is_digit(s[i])) value = value * 10 + (s[i++] - '0');
    if (i - start < min) return std::nullopt;
    return value;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
};

bool digit(char c) { return Cursor::is_digit(c); }
bool digit_(char c) { return digit(c) || c == '_'; }

// ([eE][-+]?[0-9]+)? at the end of the text
bool optional_exponent_then_end(Cursor c) {
  if (c.eat_any("eE")) {
    c.sign();
    if (!c.run(digit)) return false;
  }
  return c.done();
}

// Shared by both float forms: [-+]?(\.[0-9]+|[0-9]<more>*(\.[0-9<fraction>]*)?)([eE][-+]?[0-9]+)?
template <typename More, typename Fraction>
bool float_form(std::string_view s, More more, Fraction fraction) {
  Cursor c{s};
  c.sign();
  if (c.eat('.')) {
    if (!c.run(digit)) return false;
  } else {
    if (!c.eat_any("0123456789")) return false;
    c.run(more);
    if (c.eat('.')) c.run(fraction);
  }
  return optional_exponent_then_end(c);
}

// hh:mm:ss (one or two digits each) and an optional fraction
bool clock(Cursor& c, TimestampFields& t) {
  const auto h = c.number(1, 2);
  if (!h || !c.eat(':')) return false;
  const auto m = c.number(1, 2);
  if (!m || !c.eat(':')) return false;
  const auto sec = c.number(1, 2);
  if (!sec) return false;
  t.hour = *h, t.minute = *m, t.second = *sec;
  if (c.eat('.') && !c.run(digit)) return false;
  return true;
}

}  // namespace

bool is_decimal_int(std::string_view s) {
  Cursor c{s};
  c.sign();
  return c.run(digit) && c.done();
}

bool is_decimal_float(std::string_view s) { return float_form(s, digit, digit); }

bool is_yaml11_special(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "~",  "null", "Null", "NULL", "y",    "Y",    "yes",  "Yes",   "YES",   "n",
      "N",  "no",   "No",   "NO",   "true", "True", "TRUE", "false", "False", "FALSE",
      "on", "On",   "ON",   "off",  "Off",  "OFF",  ".nan", ".NaN",  ".NAN",  "<<"};
  for (std::string_view w : kWords) {
    if (s == w) return true;
  }
  std::string_view rest = s;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) rest.remove_prefix(1);
  return rest == ".inf" || rest == ".Inf" || rest == ".INF";
}

bool is_yaml11_int(std::string_view s) {
  Cursor c{s};
  c.sign();
  const std::string_view body = s.substr(c.i);
  const auto all = [&](size_t from, auto ok) {
    Cursor d{body, from};
    return d.run(ok) && d.done();
  };
  if (body.starts_with("0b") && all(2, [](char ch) { return ch == '0' || ch == '1' || ch == '_'; }))
    return true;
  if (body.starts_with("0x") && all(2, [](char ch) {
        return digit_(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      }))
    return true;
  const auto octal = [](char ch) { return (ch >= '0' && ch <= '7') || ch == '_'; };
  if (body.starts_with("0o") && all(2, octal)) return true;
  if (body.starts_with("0") && all(1, octal)) return true;
  return !body.empty() && digit(body.front()) && (body.size() == 1 || all(1, digit_));
}

bool is_yaml11_float(std::string_view s) { return float_form(s, digit_, digit_); }

bool is_yaml11_base60(std::string_view s) {
  Cursor c{s};
  c.sign();
  if (!c.eat_any("0123456789")) return false;
  c.run(digit_);
  bool groups = false;
  while (c.eat(':')) {
    // [0-5]?[0-9]: two digits when the first is 0-5 and another digit follows, else one. What
    // follows a group is ':', '.' or the end, never a digit, so taking two when two fit is right.
    if (c.i + 1 < s.size() && s[c.i] >= '0' && s[c.i] <= '5' && digit(s[c.i + 1])) {
      c.i += 2;
    } else if (!c.eat_any("0123456789")) {
      return false;
    }
    groups = true;
  }
  if (!groups) return false;
  if (c.eat('.')) c.run(digit_);
  return c.done();
}

std::optional<TimestampFields> timestamp_fields(std::string_view s) {
  Cursor c{s};
  TimestampFields t;
  const auto year = c.number(4, 4);
  if (!year || !c.eat('-')) return std::nullopt;
  const auto month = c.number(1, 2);
  if (!month || !c.eat('-')) return std::nullopt;
  const auto day = c.number(1, 2);
  if (!day) return std::nullopt;
  t.year = *year, t.month = *month, t.day = *day;
  if (c.done()) return t;
  if (c.eat_any("Tt")) {
    if (!clock(c, t)) return std::nullopt;
    if (!c.eat('Z')) {
      if (!c.eat_any("+-")) return std::nullopt;
      const auto zh = c.number(2, 2);
      if (!zh || !c.eat(':')) return std::nullopt;
      const auto zm = c.number(2, 2);
      if (!zm) return std::nullopt;
      t.zone_hours = *zh, t.zone_minutes = *zm;
    }
  } else if (!c.eat(' ') || !clock(c, t)) {
    return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return t;
}

}  // namespace kadm::yaml
