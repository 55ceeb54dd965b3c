#pragma once
// How a string is written as a YAML scalar so that it reads back as the same string, both for
// yaml-cpp (kadm) and for go-yaml v2 (sigs.k8s.io/yaml: kubeadm, the kubelet, the API server).
// Shared by kadm's two YAML writers (manifests/yaml_emit.cpp and config/yaml_tree.cpp).

#include <string>
#include <string_view>

namespace kadm::yaml {

// True when go-yaml v2's resolver would read `s`, written plain, as null, a bool, an int, a
// float or a merge key ("true", "yes", "~", "10", "0x1f", "1e5", "1:30", ".inf", "<<", "").
bool resolves_to_non_string(std::string_view s);
// libyaml's rule for a plain scalar in block context: no leading indicator, no ": " or " #",
// no leading or trailing space, no document marker.
bool plain_allowed(std::string_view s);
// True when `s` holds a character that YAML cannot carry literally inside a quoted scalar on
// one line: C0 controls (newline and tab included), DEL, C1 controls (NEL), U+2028, U+2029, the
// byte order mark and U+FFFE/U+FFFF. Such strings are written double-quoted with escapes.
bool needs_escapes(std::string_view s);

// "..." with \" \\ and escapes (\n, \t, \r, \xNN, \uXXXX) for the characters above.
std::string double_quoted(std::string_view s);
// '...' with '' for a quote; only for strings without needs_escapes().
std::string single_quoted(std::string_view s);

}  // namespace kadm::yaml
