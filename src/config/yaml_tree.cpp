#include "config/yaml_tree.h"

#include "common/yaml_emit.h"

namespace kadm::config {

// A plain scalar must read back as the same string in go-yaml v2 (kubeadm reads what `config
// print` and the kubeadm-config ConfigMap hold) and in yaml-cpp; the emitter quotes the rest.
bool yaml_needs_quotes(const std::string& s) { return yaml::scalar(s) != s; }

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

nlohmann::json YamlValue::to_json() const {
  switch (m_type) {
    case Type::Null:
      return nullptr;
    case Type::Scalar:
      if (m_verbatim) {
        nlohmann::json v = nlohmann::json::parse(m_scalar, nullptr, false);
        if (!v.is_discarded() && v.is_primitive()) return v;
      }
      return m_scalar;
    case Type::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, v] : m_map) out[key] = v.to_json();
      return out;
    }
    case Type::List: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : m_list) out.push_back(v.to_json());
      return out;
    }
  }
  return nullptr;
}

std::string YamlValue::dump() const { return yaml::emit(to_json()); }

}  // namespace kadm::config
