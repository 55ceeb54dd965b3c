#pragma once
// A tiny YAML document model for `config print`; dump() writes it with kadm's one YAML
// emitter (common/yaml_emit.h), the way kubeadm's (sigs.k8s.io/yaml) output looks.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace kadm::config {

class YamlValue {
 public:
  enum class Type { Null, Scalar, Map, List };

  YamlValue() = default;  // null
  static YamlValue str(std::string s);
  static YamlValue raw(std::string s);  // printed verbatim: numbers and booleans
  static YamlValue map();
  static YamlValue list();

  /// Map access; converts a null value into a map.
  YamlValue& operator[](const std::string& key);
  /// List append; converts a null value into a list.
  YamlValue& push(YamlValue v);

  Type type() const { return m_type; }
  /// The document text, ending in a newline.
  std::string dump() const;

 private:
  nlohmann::json to_json() const;

  Type m_type = Type::Null;
  std::string m_scalar;
  bool m_verbatim = false;
  std::map<std::string, YamlValue> m_map;
  std::vector<YamlValue> m_list;
};

/// True if `s` must be quoted to stay a string when read back.
bool yaml_needs_quotes(const std::string& s);

}  // namespace kadm::config
