#pragma once
// Reading API objects without exceptions: nlohmann's value() throws on a null object, and the
// API sends `"status": null` or leaves members out, so a missing, null or mistyped member reads
// as empty here.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kadm::apiclient {

// object[key] when object is an object holding a non-null `key`; else an empty object (which
// iterates as nothing).
inline const nlohmann::json& member(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!object.is_object()) return empty;
  auto it = object.find(std::string(key));
  return it == object.end() || it->is_null() ? empty : *it;
}

// object[key] as a string; "" when absent or not a string.
inline std::string text_member(const nlohmann::json& object, std::string_view key) {
  const auto& v = member(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Whether object.status.conditions holds a condition of `type` with status "True" (Node Ready,
// Pod Ready, Job Complete, ...).
inline bool condition_true(const nlohmann::json& object, std::string_view type) {
  for (const auto& c : member(member(object, "status"), "conditions")) {
    if (text_member(c, "type") == type && text_member(c, "status") == "True") return true;
  }
  return false;
}

}  // namespace kadm::apiclient
