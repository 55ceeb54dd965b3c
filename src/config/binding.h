#pragma once
// The binding framework: a kind's schema is a table of rows (`Rows<T>`), one per YAML key, each
// with the API versions it exists in. The same rows are walked to read a document (type checks,
// unknown-field warnings with suggestions, errors with source and line) and to print one in
// v1beta4 form, so a field added as a row is read, checked and printed. The tables themselves
// are in schema_*.cpp (declared in schema.h); stream dispatch is in load.cpp.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/duration.h"
#include "config/convert.h"
#include "config/types.h"
#include "config/yaml_tree.h"

namespace kadm::config {

/// "kubeadm.k8s.io/v1beta4" etc.
std::string_view api_version_string(ApiVersion v);

// ---- reading ----

// Problems collected while reading one stream; every message carries source and line.
struct Ctx {
  std::string source;
  std::string kind;
  ApiVersion version = ApiVersion::V1Beta4;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  Legacy legacy;  // fields of older versions that conversion moves (convert.h)

  std::string at(int line) const { return source + ":" + std::to_string(line + 1) + ": "; }
  void error(int line, const std::string& path, const std::string& msg) {
    errors.push_back(at(line) + kind + " field \"" + path + "\": " + msg);
  }
  void warn(int line, const std::string& msg) { warnings.push_back(at(line) + msg); }
  bool since(ApiVersion v) const { return version >= v; }
};

std::string describe(const YAML::Node& n);
int line_of(const YAML::Node& n, int fallback);

// Typed scalar readers. A null value leaves the field unset, as Go's decoder does. Each returns
// false (after recording an error) if the value has the wrong type.
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, std::string& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, int& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, bool& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path, Duration& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<Duration>& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::optional<std::chrono::system_clock::time_point>& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::vector<std::string>& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          std::map<std::string, bool>& out);
bool read(Ctx& ctx, const YAML::Node& v, int line, const std::string& path,
          EncryptionAlgorithm& out);

// The fields of one YAML map. Every key the reader asks for is remembered, so the keys nobody
// asked for are reported as unknown (with a suggestion) by finish().
class Fields {
 public:
  Fields(Ctx& ctx, const YAML::Node& map, std::string path, int line);

  template <class T>
  void get(std::string_view key, T& out) {
    if (auto* e = find(key)) read(m_ctx, e->value, e->line, child(key), out);
  }

  // A nested map; `fn(Fields&)` reads its fields.
  template <class F>
  void object(std::string_view key, F&& fn) {
    auto* e = find(key);
    if (e == nullptr || e->value.IsNull()) return;
    if (!e->value.IsMap()) {
      m_ctx.error(e->line, child(key), "expected a map, got " + describe(e->value));
      return;
    }
    Fields sub(m_ctx, e->value, child(key), e->line);
    fn(sub);
    sub.finish();
  }

  // A list of maps; `fn(Fields&)` reads one item. Returns false if the value is not a list.
  template <class F>
  bool list(std::string_view key, F&& fn, std::string_view item_shape = "maps") {
    auto* e = find(key);
    if (e == nullptr || e->value.IsNull()) return true;
    if (!e->value.IsSequence()) {
      m_ctx.error(e->line, child(key),
                  "expected a list of " + std::string(item_shape) + ", got " + describe(e->value));
      return false;
    }
    for (size_t i = 0; i < e->value.size(); ++i) {
      const auto& item = e->value[i];
      const auto path = child(key) + "[" + std::to_string(i) + "]";
      const int line = line_of(item, e->line);
      if (!item.IsMap()) {
        m_ctx.error(line, path, "expected a map, got " + describe(item));
        continue;
      }
      Fields sub(m_ctx, item, path, line);
      fn(sub);
      sub.finish();
    }
    return true;
  }

  // Raw access for fields whose shape depends on the API version.
  const YAML::Node* raw(std::string_view key, int* line = nullptr);
  // A field kadm accepts for compatibility but does not use.
  void ignored(std::string_view key, std::string_view why);
  // Warns about every key nobody asked for.
  void finish();

  std::string child(std::string_view key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
  }
  Ctx& ctx() { return m_ctx; }

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    int line;
    bool used;
  };
  Entry* find(std::string_view key);

  Ctx& m_ctx;
  std::string m_path;
  std::vector<Entry> m_entries;
  std::vector<std::string> m_known;
};

// ---- printing (always v1beta4) ----

// Whether a field with its zero value is written (kubeadm omits most empty fields).
enum class Print { OmitEmpty, Always };

void emit(YamlValue& m, const std::string& key, const std::string& v, Print p);
void emit(YamlValue& m, const std::string& key, int v, Print p);
void emit(YamlValue& m, const std::string& key, bool v, Print p);
void emit(YamlValue& m, const std::string& key, Duration v, Print p);
void emit(YamlValue& m, const std::string& key, const std::optional<Duration>& v, Print p);
void emit(YamlValue& m, const std::string& key,
          const std::optional<std::chrono::system_clock::time_point>& v, Print p);
void emit(YamlValue& m, const std::string& key, const std::vector<std::string>& v, Print p);
void emit(YamlValue& m, const std::string& key, const std::map<std::string, bool>& v, Print p);
void emit(YamlValue& m, const std::string& key, EncryptionAlgorithm v, Print p);

// ---- rows ----

/// The kubeadm.k8s.io versions a row exists in (both ends included).
struct Versions {
  ApiVersion first = ApiVersion::V1Beta2;
  ApiVersion last = ApiVersion::V1Beta4;
  bool contains(ApiVersion v) const { return v >= first && v <= last; }
  // Printing writes v1beta4, so only rows that exist there are printed.
  bool in_v1beta4() const { return contains(ApiVersion::V1Beta4); }
};
inline constexpr Versions kAllVersions{};
constexpr Versions since(ApiVersion v) { return {v, ApiVersion::V1Beta4}; }
constexpr Versions until(ApiVersion v) { return {ApiVersion::V1Beta2, v}; }
constexpr Versions only(ApiVersion v) { return {v, v}; }

template <class T>
struct Row;
template <class T>
using Rows = std::vector<Row<T>>;
template <class T>
using RowsOf = const Rows<T>& (*)();

/// What a row is, for the tests that walk the tables.
enum class RowRole {
  Field,    // read and printed (when it exists in v1beta4)
  Legacy,   // read from older versions into `Legacy`; conversion gives it a v1beta4 place
  Ignored,  // accepted with a warning, never stored or printed
};

/// One row as the tests that walk the tables see it: its full key path ("a.b", "list[].c").
struct RowInfo {
  std::string path;
  Versions versions;  // narrowed by the rows it is nested in
  RowRole role = RowRole::Field;
  std::string note;
};

template <class T>
struct Row {
  std::string key;
  Versions versions;
  RowRole role = RowRole::Field;
  std::function<void(Fields&, const std::string& key, T&)> load;
  std::function<void(YamlValue& map, const std::string& key, const T&)> print;  // Field rows
  // Describes the rows of a nested table (objects and lists of objects) under `path`.
  std::function<void(const std::string& path, Versions, std::vector<RowInfo>&)> children;
  std::string note;  // Legacy: where the value goes; Ignored: why
};

template <class T>
Row<T> make_row(std::string key, Versions v, RowRole role) {
  Row<T> r;
  r.key = std::move(key);
  r.versions = v;
  r.role = role;
  return r;
}

inline Versions narrow(Versions outer, Versions inner) {
  return {std::max(outer.first, inner.first), std::min(outer.last, inner.last)};
}

/// Every row of `rows` and of the tables nested in them, depth first.
template <class T>
void describe_rows(const Rows<T>& rows, const std::string& prefix, Versions outer,
                   std::vector<RowInfo>& out) {
  for (const auto& r : rows) {
    const auto path = prefix.empty() ? r.key : prefix + "." + r.key;
    const auto v = narrow(outer, r.versions);
    out.push_back({path, v, r.role, r.note});
    if (r.children) r.children(path, v, out);
  }
}

template <class T>
std::vector<RowInfo> describe_rows(const Rows<T>& rows) {
  std::vector<RowInfo> out;
  describe_rows(rows, "", kAllVersions, out);
  return out;
}

template <class T>
void load_rows(Fields& f, const Rows<T>& rows, T& out) {
  for (const auto& r : rows) {
    if (r.versions.contains(f.ctx().version)) r.load(f, r.key, out);
  }
}

template <class T>
YamlValue print_rows(const Rows<T>& rows, const T& value) {
  YamlValue m = YamlValue::map();
  for (const auto& r : rows) {
    if (r.role == RowRole::Field && r.versions.in_v1beta4()) r.print(m, r.key, value);
  }
  return m;
}

template <class S>
auto children_of(RowsOf<S> rows, std::string suffix = "") {
  return [rows, suffix](const std::string& path, Versions v, std::vector<RowInfo>& out) {
    describe_rows(rows(), path + suffix, v, out);
  };
}

/// A scalar (or list of scalars, or map of flags) field: `member` holds it.
template <class T, class M>
Row<T> field(std::string key, M T::*member, Print p = Print::OmitEmpty, Versions v = kAllVersions) {
  auto r = make_row<T>(std::move(key), v, RowRole::Field);
  r.load = [member](Fields& f, const std::string& k, T& t) { f.get(k, t.*member); };
  r.print = [member, p](YamlValue& m, const std::string& k, const T& t) {
    emit(m, k, t.*member, p);
  };
  return r;
}

/// A nested map read into `member` with the rows of its own table. Print::Always writes it
/// even when empty (`{}`); Print::OmitEmpty leaves it out when it equals its default.
template <class T, class S>
Row<T> object(std::string key, S T::*member, RowsOf<S> rows, Print p = Print::Always,
              Versions v = kAllVersions) {
  auto r = make_row<T>(std::move(key), v, RowRole::Field);
  r.load = [member, rows](Fields& f, const std::string& k, T& t) {
    f.object(k, [&](Fields& sub) { load_rows(sub, rows(), t.*member); });
  };
  r.print = [member, rows, p](YamlValue& m, const std::string& k, const T& t) {
    if (p == Print::OmitEmpty && t.*member == S{}) return;
    m[k] = print_rows(rows(), t.*member);
  };
  r.children = children_of<S>(rows);
  return r;
}

/// A nested map that is either absent or present (`std::optional<S>`); printed if present.
template <class T, class S>
Row<T> optional_object(std::string key, std::optional<S> T::*member, RowsOf<S> rows,
                       Versions v = kAllVersions) {
  auto r = make_row<T>(std::move(key), v, RowRole::Field);
  r.load = [member, rows](Fields& f, const std::string& k, T& t) {
    f.object(k, [&](Fields& sub) { load_rows(sub, rows(), (t.*member).emplace()); });
  };
  r.print = [member, rows](YamlValue& m, const std::string& k, const T& t) {
    if (t.*member) m[k] = print_rows(rows(), *(t.*member));
  };
  r.children = children_of<S>(rows);
  return r;
}

/// Reads a list of maps with `rows` for each item, appending to `out`.
template <class S>
bool load_list(Fields& f, const std::string& key, RowsOf<S> rows, std::vector<S>& out,
               std::string_view item_shape = "maps") {
  return f.list(
      key,
      [&](Fields& item) {
        S s{};
        load_rows(item, rows(), s);
        out.push_back(std::move(s));
      },
      item_shape);
}

/// Prints a list of maps (nothing if it is empty).
template <class S>
void print_list(YamlValue& m, const std::string& key, RowsOf<S> rows, const std::vector<S>& v) {
  if (v.empty()) return;
  auto& l = m[key] = YamlValue::list();
  for (const auto& s : v) l.push(print_rows(rows(), s));
}

/// A list of maps, each read with the rows of its item table; printed unless empty.
template <class T, class S>
Row<T> list(std::string key, std::vector<S> T::*member, RowsOf<S> rows, Versions v = kAllVersions) {
  auto r = make_row<T>(std::move(key), v, RowRole::Field);
  r.load = [member, rows](Fields& f, const std::string& k, T& t) {
    load_list(f, k, rows, t.*member);
  };
  r.print = [member, rows](YamlValue& m, const std::string& k, const T& t) {
    print_list(m, k, rows, t.*member);
  };
  r.children = children_of<S>(rows, "[]");
  return r;
}

/// A field of an older version that v1beta4 keeps elsewhere: read into `Legacy`, never printed
/// (`where` names its v1beta4 place; conversion in convert.cpp moves it).
template <class T, class M>
Row<T> legacy(std::string key, M Legacy::*member, Versions v, std::string where) {
  auto r = make_row<T>(std::move(key), v, RowRole::Legacy);
  r.load = [member](Fields& f, const std::string& k, T&) { f.get(k, f.ctx().legacy.*member); };
  r.note = std::move(where);
  return r;
}

/// A field kadm accepts for compatibility and ignores with a warning saying `why`.
template <class T>
Row<T> ignored(std::string key, std::string why, Versions v = kAllVersions) {
  auto r = make_row<T>(std::move(key), v, RowRole::Ignored);
  r.load = [why](Fields& f, const std::string& k, T&) { f.ignored(k, why); };
  r.note = std::move(why);
  return r;
}

/// The rows of a base struct, for a struct derived from it (APIServer from
/// ControlPlaneComponent).
template <class Derived, class Base>
Rows<Derived> rows_as(const Rows<Base>& rows) {
  Rows<Derived> out;
  for (const auto& r : rows) {
    auto d = make_row<Derived>(r.key, r.versions, r.role);
    d.note = r.note;
    d.children = r.children;
    d.load = [load = r.load](Fields& f, const std::string& k, Derived& t) {
      load(f, k, static_cast<Base&>(t));
    };
    if (r.print) {
      d.print = [print = r.print](YamlValue& m, const std::string& k, const Derived& t) {
        print(m, k, static_cast<const Base&>(t));
      };
    }
    out.push_back(std::move(d));
  }
  return out;
}

template <class T>
Rows<T> concat(Rows<T> a, const Rows<T>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Reads one map with `rows` into `out` and warns about the keys no row asked for.
template <class T>
void load_document(Fields& f, const Rows<T>& rows, T& out) {
  load_rows(f, rows, out);
  f.finish();
}

}  // namespace kadm::config
