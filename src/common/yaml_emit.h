#pragma once
// kadm's one YAML writer. A JSON value is written the way Kubernetes' Go serialiser writes it
// (sigs.k8s.io/yaml over go-yaml, whose emitter is a port of libyaml's): block style, two-space
// indent, a mapping's sequences not indented, `{}` / `[]` / `null` for empty values, no line
// wrapping. Strings are plain unless they would read back as another type ("true", "10", "",
// "~", "2024-04-01") or hold characters only an escape carries (newlines, tabs, controls): those
// are double-quoted with escapes; libyaml single-quotes the rest that plain style cannot hold
// ("a: b", " x", "*x"). Keys come in the order the value keeps them (nlohmann::json sorts them,
// as go-yaml does; ordered_json keeps insertion order). Built on libyaml's emitter.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace kadm::yaml {

// The document text, ending in a newline.
std::string emit(const nlohmann::json& value);
std::string emit_ordered(const nlohmann::ordered_json& value);

// The string as it is written after "key: " (quoted when needed).
std::string scalar(std::string_view s);
// The string double-quoted, with libyaml's escapes (\n, \t, \x1F, \N, \uFFFE, \" ...).
std::string double_quoted(std::string_view s);

// True when go-yaml v2's resolver would read `s`, written plain, as null, a bool, an int, a
// float, a timestamp or a merge key ("true", "yes", "~", "10", "0x1f", "1e5", "1:30", ".inf",
// "<<", "", "2024-04-01T11:54:17Z", "2024-4-1").
bool resolves_to_non_string(std::string_view s);
// True when `s` holds a character YAML cannot carry literally on one line inside quotes: C0
// controls (newline and tab included), DEL, C1 controls (NEL), U+2028, U+2029, the byte order
// mark and U+FFFE/U+FFFF.
bool needs_escapes(std::string_view s);

}  // namespace kadm::yaml
