#include "config/yaml_tree.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "common/strings.h"

namespace kadm::config {

namespace {

// Plain scalars YAML 1.1 readers (go-yaml v2, yaml-cpp) would turn into booleans or null.
constexpr std::array<std::string_view, 11> kReservedWords = {
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ""};

bool looks_numeric(const std::string& s) {
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  // Octal/hex/sexagesimal forms are rare in configs; "0x" prefixes are caught here.
  return s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o');
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool yaml_needs_quotes(const std::string& s) {
  if (std::ranges::find(kReservedWords, str::lower(s)) != kReservedWords.end()) return true;
  if (looks_numeric(s)) return true;
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(s.front()) != std::string_view::npos) {
    // "-foo" and ":foo" are fine as plain scalars only when not followed by a space; keep it
    // simple and quote every leading indicator except '-' followed by a non-space.
    if (!(s.front() == '-' && s.size() > 1 && s[1] != ' ')) return true;
  }
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  return s.find_first_of("\n\t") != std::string::npos;
}

YamlValue YamlValue::str(std::string s) {
  YamlValue v;
  v.m_type = Type::Scalar;
  v.m_scalar = std::move(s);
  return v;
}

YamlValue YamlValue::raw(std::string s) {
  YamlValue v = str(std::move(s));
  v.m_verbatim = true;
  return v;
}

YamlValue YamlValue::map() {
  YamlValue v;
  v.m_type = Type::Map;
  return v;
}

YamlValue YamlValue::list() {
  YamlValue v;
  v.m_type = Type::List;
  return v;
}

YamlValue& YamlValue::operator[](const std::string& key) {
  if (m_type == Type::Null) m_type = Type::Map;
  return m_map[key];
}

YamlValue& YamlValue::push(YamlValue v) {
  if (m_type == Type::Null) m_type = Type::List;
  m_list.push_back(std::move(v));
  return m_list.back();
}

std::string YamlValue::inline_form() const {
  switch (m_type) {
    case Type::Null:
      return "null";
    case Type::Map:
      return "{}";
    case Type::List:
      return "[]";
    case Type::Scalar:
      return !m_verbatim && yaml_needs_quotes(m_scalar) ? double_quoted(m_scalar) : m_scalar;
  }
  return "";
}

void YamlValue::emit_map(std::string& out, size_t indent) const {
  const std::string pad(indent, ' ');
  for (const auto& [key, v] : m_map) {
    out += pad + (yaml_needs_quotes(key) ? double_quoted(key) : key) + ":";
    if (v.m_type == Type::Map && !v.m_map.empty()) {
      out += "\n";
      v.emit_map(out, indent + 2);
    } else if (v.m_type == Type::List && !v.m_list.empty()) {
      out += "\n";
      v.emit_list(out, indent);
    } else {
      out += " " + v.inline_form() + "\n";
    }
  }
}

void YamlValue::emit_list(std::string& out, size_t indent) const {
  const std::string pad(indent, ' ');
  for (const auto& item : m_list) {
    if (item.m_type == Type::Map && !item.m_map.empty()) {
      std::string body;
      item.emit_map(body, indent + 2);
      out += pad + "- " + body.substr(indent + 2);
    } else if (item.m_type == Type::List && !item.m_list.empty()) {
      std::string body;
      item.emit_list(body, indent + 2);
      out += pad + "- " + body.substr(indent + 2);
    } else {
      out += pad + "- " + item.inline_form() + "\n";
    }
  }
}

std::string YamlValue::dump() const {
  std::string out;
  if (m_type == Type::Map && !m_map.empty()) {
    emit_map(out, 0);
  } else if (m_type == Type::List && !m_list.empty()) {
    emit_list(out, 0);
  } else {
    out = inline_form() + "\n";
  }
  return out;
}

}  // namespace kadm::config
