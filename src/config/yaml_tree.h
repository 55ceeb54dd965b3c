#pragma once
// A tiny YAML document model that prints the way kubeadm's (sigs.k8s.io/yaml) output looks:
// map keys sorted, list items at their parent key's indentation, `{}` / `[]` / `null` for
// empty values, and double quotes only where a plain scalar would change meaning.

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
  void emit_map(std::string& out, size_t indent) const;
  void emit_list(std::string& out, size_t indent) const;
  std::string inline_form() const;  // for scalars, null and empty collections

  Type m_type = Type::Null;
  std::string m_scalar;
  bool m_verbatim = false;
  std::map<std::string, YamlValue> m_map;
  std::vector<YamlValue> m_list;
};

/// True if `s` must be quoted to stay a string when read back.
bool yaml_needs_quotes(const std::string& s);

}  // namespace kadm::config
