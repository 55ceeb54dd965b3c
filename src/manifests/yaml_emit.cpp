#include "manifests/yaml_emit.h"

#include <regex>

namespace kadm::manifests {
namespace {

// Strings that YAML 1.1 (go-yaml v2's resolver) would read as null, bool, int or float.
bool resolves_to_non_string(std::string_view s) {
  static const std::regex kSpecial(
      "~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|"
      "off|Off|OFF|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  static const std::regex kInt("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kBase60("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
  const std::string str(s);
  return s.empty() || std::regex_match(str, kSpecial) || std::regex_match(str, kInt) ||
         std::regex_match(str, kFloat) || std::regex_match(str, kBase60);
}

bool is_blank_at(std::string_view s, size_t i) { return i >= s.size() || s[i] == ' '; }

// libyaml's rule for a plain scalar in block context.
bool plain_allowed(std::string_view s) {
  if (s.front() == ' ' || s.back() == ' ') return false;
  if (s.starts_with("---") || s.starts_with("...")) return false;
  if (std::string_view("#,[]{}&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  if ((s.front() == '?' || s.front() == ':' || s.front() == '-') && is_blank_at(s, 1)) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (s[i] == ':' && is_blank_at(s, i + 1)) return false;
    if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string inline_value(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  if (v.is_string()) return go_yaml_scalar(v.get<std::string>());
  return v.dump();  // numbers, booleans
}

void emit(const nlohmann::json& v, int indent, std::string& out);

void emit_object(const nlohmann::json& obj, int indent, std::string& out, bool first_inline) {
  bool first = true;
  for (const auto& [key, val] : obj.items()) {  // nlohmann::json keeps keys sorted
    if (!(first && first_inline)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += go_yaml_scalar(key);
    out += ':';
    if (val.is_object() && !val.empty()) {
      out += '\n';
      emit_object(val, indent + 2, out, false);
    } else if (val.is_array() && !val.empty()) {
      out += '\n';
      emit(val, indent, out);  // a mapping's sequence is not indented
    } else {
      out += ' ' + inline_value(val) + '\n';
    }
  }
}

void emit(const nlohmann::json& v, int indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    emit_object(v, indent, out, false);
    return;
  }
  if (v.is_array() && !v.empty()) {
    for (const auto& item : v) {
      out.append(static_cast<size_t>(indent), ' ');
      out += "- ";
      if (item.is_object() && !item.empty()) {
        emit_object(item, indent + 2, out, true);
      } else if (item.is_array() && !item.empty()) {
        out += '\n';
        emit(item, indent + 2, out);
      } else {
        out += inline_value(item) + '\n';
      }
    }
    return;
  }
  out.append(static_cast<size_t>(indent), ' ');
  out += inline_value(v) + '\n';
}

}  // namespace

std::string go_yaml_scalar(std::string_view s) {
  if (resolves_to_non_string(s)) return double_quoted(s);
  if (!plain_allowed(s)) return single_quoted(s);
  return std::string(s);
}

std::string to_go_yaml(const nlohmann::json& value) {
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace kadm::manifests
