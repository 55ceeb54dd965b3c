#include "manifests/yaml_emit.h"

#include "common/yaml_scalar.h"

namespace kadm::manifests {
namespace {

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

// go-yaml writes a string that would read back as another type double-quoted, one with
// characters only an escape can carry double-quoted with escapes (it writes multi-line strings
// as literal blocks; escapes read back the same and keep every scalar on one line), one that
// plain style cannot hold single-quoted, and the rest plain.
std::string go_yaml_scalar(std::string_view s) {
  if (yaml::resolves_to_non_string(s) || yaml::needs_escapes(s)) return yaml::double_quoted(s);
  if (!yaml::plain_allowed(s)) return yaml::single_quoted(s);
  return std::string(s);
}

std::string to_go_yaml(const nlohmann::json& value) {
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace kadm::manifests
