#include "config/yaml_tree.h"

#include "common/yaml_scalar.h"

namespace kadm::config {

// A plain scalar must read back as the same string in go-yaml v2 (kubeadm reads what `config
// print` and the kubeadm-config ConfigMap hold) and in yaml-cpp; anything else is double-quoted,
// with escapes for characters quotes cannot hold literally.
bool yaml_needs_quotes(const std::string& s) {
  return yaml::resolves_to_non_string(s) || !yaml::plain_allowed(s);
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
      return !m_verbatim && yaml_needs_quotes(m_scalar) ? yaml::double_quoted(m_scalar) : m_scalar;
  }
  return "";
}

void YamlValue::emit_map(std::string& out, size_t indent) const {
  const std::string pad(indent, ' ');
  for (const auto& [key, v] : m_map) {
    out += pad + (yaml_needs_quotes(key) ? yaml::double_quoted(key) : key) + ":";
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
