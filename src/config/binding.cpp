#include "config/binding.h"

#include <array>
#include <charconv>

#include "common/strings.h"
#include "common/time_format.h"
#include "config/encryption_algorithm.h"

namespace kadm::config {

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "null";
  return "\"" + n.Scalar() + "\"";
}

int line_of(const YAML::Node& n, int fallback) {
  const int line = n.Mark().line;
  return line >= 0 ? line : fallback;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, std::string& out) {
  if (v.IsNull()) return true;
  if (!v.IsScalar()) {
    ctx.error(line, path, "expected a string, got " + describe(v));
    return false;
  }
  out = v.Scalar();
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, int& out) {
  if (v.IsNull()) return true;
  if (v.IsScalar()) {
    const auto& s = v.Scalar();
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) {
      out = value;
      return true;
    }
  }
  ctx.error(line, path, "expected an integer, got " + describe(v));
  return false;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, bool& out) {
  if (v.IsNull()) return true;
  static const std::array<std::string_view, 3> kTrue = {"true", "True", "TRUE"};
  static const std::array<std::string_view, 3> kFalse = {"false", "False", "FALSE"};
  if (v.IsScalar()) {
    if (std::ranges::find(kTrue, v.Scalar()) != kTrue.end()) return out = true, true;
    if (std::ranges::find(kFalse, v.Scalar()) != kFalse.end()) return out = false, true;
  }
  ctx.error(line, path, "expected true or false, got " + describe(v));
  return false;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, Duration& out) {
  std::string text;
  if (v.IsNull()) return true;
  if (!read(ctx, v, line, path, text)) return false;
  auto d = parse_duration(text);
  if (!d) {
    ctx.error(line, path, d.error().message());
    return false;
  }
  out = *d;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<Duration>& out) {
  if (v.IsNull()) return true;
  Duration d{};
  if (!read(ctx, v, line, path, d)) return false;
  out = d;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<std::chrono::system_clock::time_point>& out) {
  if (v.IsNull()) return true;
  std::string text;
  if (!read(ctx, v, line, path, text)) return false;
  auto t = parse_rfc3339(text);
  if (!t) {
    ctx.error(line, path,
              "expected an RFC 3339 time such as 2030-01-02T15:04:05Z, got \"" + text + "\"");
    return false;
  }
  out = *t;
  return true;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::vector<std::string>& out) {
  if (v.IsNull()) return true;
  if (!v.IsSequence()) {
    ctx.error(line, path, "expected a list of strings, got " + describe(v));
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item;
    ok = read(ctx, v[i], line_of(v[i], line), path + "[" + std::to_string(i) + "]", item) && ok;
    items.push_back(item);
  }
  if (ok) out = std::move(items);
  return ok;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::map<std::string, bool>& out) {
  if (v.IsNull()) return true;
  if (!v.IsMap()) {
    ctx.error(line, path, "expected a map of names to true/false, got " + describe(v));
    return false;
  }
  bool ok = true;
  for (const auto& kv : v) {
    bool value = false;
    const auto key = kv.first.Scalar();
    ok = read(ctx, kv.second, line_of(kv.first, line), path + "." + key, value) && ok;
    out[key] = value;
  }
  return ok;
}

bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          EncryptionAlgorithm& out) {
  if (v.IsNull()) return true;
  std::string name;
  if (!read(ctx, v, line, path, name)) return false;
  if (const auto* known = find_encryption_algorithm(std::string_view(name))) {
    out = known->algorithm;
    return true;
  }
  std::vector<std::string> names;
  for (const auto& a : kEncryptionAlgorithms) names.emplace_back(a.name);
  ctx.error(line, path, "unknown algorithm \"" + name + "\"; use one of " + str::join(names, ", "));
  return false;
}

Fields::Fields(Ctx& ctx, const YAML::Node& map, std::string path, int line)
    : m_ctx(ctx), m_path(std::move(path)) {
  for (const auto& kv : map) {
    m_entries.push_back({kv.first.Scalar(), kv.second, line_of(kv.first, line), false});
  }
}

const YAML::Node* Fields::raw(std::string_view key, int* line) {
  auto* e = find(key);
  if (e == nullptr) return nullptr;
  if (line) *line = e->line;
  return &e->value;
}

void Fields::ignored(std::string_view key, std::string_view why) {
  if (auto* e = find(key)) {
    m_ctx.warn(e->line,
               m_ctx.kind + " field \"" + child(key) + "\" is ignored: " + std::string(why));
  }
}

void Fields::finish() {
  for (const auto& e : m_entries) {
    if (e.used) continue;
    std::string msg = "unknown field \"" + child(e.key) + "\" in " + m_ctx.kind + " (" +
                      std::string(api_version_string(m_ctx.version)) + "); ignored";
    if (auto s = str::suggest(e.key, m_known); !s.empty()) msg += "; did you mean \"" + s + "\"?";
    m_ctx.warn(e.line, msg);
  }
}

Fields::Entry* Fields::find(std::string_view key) {
  m_known.emplace_back(key);
  for (auto& e : m_entries) {
    if (e.key == key) {
      e.used = true;
      return &e;
    }
  }
  return nullptr;
}

using Y = YamlValue;

void emit(Y& m, const std::string& key, const std::string& v, Print p) {
  if (p == Print::Always || !v.empty()) m[key] = Y::str(v);
}
void emit(Y& m, const std::string& key, int v, Print p) {
  if (p == Print::Always || v != 0) m[key] = Y::raw(std::to_string(v));
}
void emit(Y& m, const std::string& key, bool v, Print p) {
  if (p == Print::Always || v) m[key] = Y::raw(v ? "true" : "false");
}
void emit(Y& m, const std::string& key, Duration v, Print p) {
  if (p == Print::Always || v != Duration{}) m[key] = Y::str(format_duration(v));
}
void emit(Y& m, const std::string& key, const std::optional<Duration>& v, Print /*p*/) {
  if (v) m[key] = Y::str(format_duration(*v));
}
void emit(Y& m, const std::string& key,
          const std::optional<std::chrono::system_clock::time_point>& v, Print /*p*/) {
  if (v) m[key] = Y::str(format_rfc3339_utc(*v));
}
void emit(Y& m, const std::string& key, const std::vector<std::string>& v, Print p) {
  if (p == Print::OmitEmpty && v.empty()) return;
  auto& list = m[key] = Y::list();
  for (const auto& s : v) list.push(Y::str(s));
}
void emit(Y& m, const std::string& key, const std::map<std::string, bool>& v, Print p) {
  if (p == Print::OmitEmpty && v.empty()) return;
  auto& gates = m[key] = Y::map();
  for (const auto& [name, on] : v) gates[name] = Y::raw(on ? "true" : "false");
}
void emit(Y& m, const std::string& key, EncryptionAlgorithm v, Print /*p*/) {
  m[key] = Y::str(std::string(encryption_algorithm_name(v)));
}

}  // namespace kadm::config
