#include "common/yaml_json.h"

#include <regex>

namespace kadm {

nlohmann::json yaml_to_json(const YAML::Node& node) {
  using json = nlohmann::json;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json m = json::object();
      for (const auto& kv : node) m[kv.first.Scalar()] = yaml_to_json(kv.second);
      return m;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : node) a.push_back(yaml_to_json(item));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& v = node.Scalar();
      if (node.Tag() == "!") return v;  // quoted: always a string
      if (v == "true" || v == "True") return true;
      if (v == "false" || v == "False") return false;
      if (v == "null" || v == "~") return nullptr;
      static const std::regex kInt("[-+]?[0-9]+");
      static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
      if (std::regex_match(v, kInt)) return std::stoll(v);
      if (std::regex_match(v, kFloat)) return std::stod(v);
      return v;
    }
    default:
      return nullptr;
  }
}

}  // namespace kadm
