// The hand-written matchers of common/yaml_scalar_forms against the regular expressions they
// replace: every generated string must get the same answer (and a timestamp the same fields).
// The generators are seeded, and each matcher must accept a good share of them, so that the
// accepting paths are compared too, not only the refusals.
#include "common/yaml_scalar_forms.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace kadm::yaml {
namespace {

using Pieces = std::vector<std::string>;

// Up to `max_pieces` of the pieces a form is made of, now and then a stray character instead,
// so that many strings are the form and many are near misses.
std::string generated(std::mt19937& rng, const Pieces& pieces, size_t max_pieces) {
  static constexpr std::string_view kStray = "0123456789_.:+-eExXabfoOnNyYtTZ ~<";
  std::uniform_int_distribution<size_t> count(0, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> stray(0, kStray.size() - 1);
  std::string s;
  for (size_t n = count(rng), i = 0; i < n; ++i) {
    if (rng() % 12 == 0) {
      s += kStray[stray(rng)];
    } else {
      s += pieces[pick(rng)];
    }
  }
  return s;
}

// A date and maybe a clock and a zone, with digit counts one off now and then and a stray
// character here and there.
std::string timestamp_like(std::mt19937& rng) {
  const auto digits = [&](size_t usual) {
    size_t n = usual;
    if (rng() % 6 == 0) n = rng() % 2 == 0 ? n + 1 : (n > 0 ? n - 1 : 0);
    std::string out;
    for (size_t i = 0; i < n; ++i) out += static_cast<char>('0' + rng() % 10);
    return out;
  };
  const auto one_of = [&](std::initializer_list<const char*> options) {
    return std::string(*(options.begin() + rng() % options.size()));
  };
  std::string s = digits(4) + "-" + digits(1 + rng() % 2) + "-" + digits(1 + rng() % 2);
  if (rng() % 4 != 0) {
    s += one_of({"T", "t", " ", "x"});
    s += digits(1 + rng() % 2) + ":" + digits(1 + rng() % 2) + ":" + digits(1 + rng() % 2);
    if (rng() % 2 == 0) s += "." + digits(rng() % 3);
    s += one_of({"", "Z", "+", "-"});
    if (s.back() == '+' || s.back() == '-') s += digits(2) + ":" + digits(2);
  }
  if (rng() % 10 == 0) s.insert(rng() % (s.size() + 1), one_of({"-", ":", ".", "Z", "1"}));
  return s;
}

struct Form {
  const char* name;
  bool (*matcher)(std::string_view);
  std::regex reference;
  Pieces pieces;
  size_t max_pieces;
};

TEST(YamlScalarForms, EachMatcherAgreesWithTheRegexItReplaces) {
  const Form forms[] = {
      {"decimal int", is_decimal_int, std::regex("[-+]?[0-9]+"), {"+", "-", "0", "7", "12"}, 4},
      {"decimal float",
       is_decimal_float,
       std::regex("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?"),
       {"+", "-", "0", "5", "12", ".", "e", "E"},
       5},
      {"yaml 1.1 special",
       is_yaml11_special,
       std::regex("~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|"
                  "FALSE|on|On|ON|off|Off|OFF|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|<<"),
       {"~", "null", "Null", "y",    "Yes", "NO",  "true", "FALSE", "on", "Off",
        "+", "-",    ".",    ".inf", "Inf", "INF", "nan",  ".NaN",  "<",  "<<"},
       2},
      {"yaml 1.1 int",
       is_yaml11_int,
       std::regex("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)"),
       {"+", "-", "0", "0b", "0x", "0o", "1", "7", "8", "9", "_", "a", "F", "g"},
       4},
      {"yaml 1.1 float",
       is_yaml11_float,
       std::regex("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?"),
       {"+", "-", "0", "5", "12", "_", ".", "e", "E"},
       5},
      {"yaml 1.1 base 60",
       is_yaml11_base60,
       std::regex("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"),
       {"+", "-", "1", "5", "59", "60", "_", ":", ":30", ":7", ":61", "."},
       6},
  };
  std::mt19937 rng(13);
  for (const Form& form : forms) {
    size_t accepted = 0;
    for (int i = 0; i < 40000; ++i) {
      const std::string s = generated(rng, form.pieces, form.max_pieces);
      const bool expected = std::regex_match(s, form.reference);
      ASSERT_EQ(form.matcher(s), expected) << form.name << ": \"" << s << "\"";
      accepted += expected;
    }
    EXPECT_GT(accepted, 400u) << form.name << ": the generator rarely hits the form";
    std::printf("%s: %zu of 40000 are the form\n", form.name, accepted);
  }
}

TEST(YamlScalarForms, TimestampFieldsAgreeWithTheRegexTheyReplace) {
  const std::regex form(
      "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
      "(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.[0-9]+)?(?:Z|[-+]([0-9]{2}):([0-9]{2}))"
      "| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.[0-9]+)?)?");
  std::mt19937 rng(2024);
  size_t accepted = 0;
  for (int i = 0; i < 60000; ++i) {
    const std::string s = timestamp_like(rng);
    std::smatch m;
    const bool expected = std::regex_match(s, m, form);
    const auto got = timestamp_fields(s);
    ASSERT_EQ(got.has_value(), expected) << "\"" << s << "\"";
    if (!expected) continue;
    ++accepted;
    const auto num = [&](int k) { return m[k].matched ? std::stoi(m[k].str()) : 0; };
    EXPECT_EQ(got->year, num(1)) << s;
    EXPECT_EQ(got->month, num(2)) << s;
    EXPECT_EQ(got->day, num(3)) << s;
    EXPECT_EQ(got->hour, num(4) + num(9)) << s;
    EXPECT_EQ(got->minute, num(5) + num(10)) << s;
    EXPECT_EQ(got->second, num(6) + num(11)) << s;
    EXPECT_EQ(got->zone_hours, num(7)) << s;
    EXPECT_EQ(got->zone_minutes, num(8)) << s;
  }
  EXPECT_GT(accepted, 5000u) << "the generator rarely makes a timestamp";
  std::printf("%zu of 60000 are timestamps\n", accepted);
}

}  // namespace
}  // namespace kadm::yaml
