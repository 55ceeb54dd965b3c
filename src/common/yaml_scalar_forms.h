#pragma once
// The plain-scalar forms YAML readers give a type other than string, matched by hand: the
// std::regex objects these replace cost every process that read or wrote YAML about 1.3 ms to
// compile (a third of `kadm version`'s whole run). tests/unit/yaml_scalar_forms_test.cpp checks
// each matcher against the regular expression it replaces, over many generated strings.

#include <optional>
#include <string_view>

namespace kadm::yaml {

// yaml-cpp → JSON (common/yaml_json.cpp), as go-yaml v2 reads numbers:
bool is_decimal_int(std::string_view s);    // [-+]?[0-9]+
bool is_decimal_float(std::string_view s);  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?

// YAML 1.1 as go-yaml resolves it (common/yaml_emit.cpp quotes these):
// ~, null, booleans in their YAML 1.1 spellings, [-+]?.inf, .nan, <<
bool is_yaml11_special(std::string_view s);
// [-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)
bool is_yaml11_int(std::string_view s);
// [-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?
bool is_yaml11_float(std::string_view s);
// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
bool is_yaml11_base60(std::string_view s);

// The fields of YYYY-M-D, optionally followed by [Tt]h:m:s[.frac](Z|±hh:mm) or " h:m:s[.frac]";
// nullopt when the text has another form. Fields not present are 0.
struct TimestampFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int zone_hours = 0, zone_minutes = 0;
};
std::optional<TimestampFields> timestamp_fields(std::string_view s);

}  // namespace kadm::yaml
