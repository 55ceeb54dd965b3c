#include "common/yaml_json.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string_view>

#include <yaml-cpp/eventhandler.h>

#include "common/yaml_scalar_forms.h"

namespace kadm {

namespace {

// A plain scalar that go-yaml v2 reads as a number, as JSON: an int64 or a uint64 when it fits,
// else (digits beyond 64 bits) a float; a float in Go's decimal form, exponent included ("1e5",
// "1.5E+10"). nullopt: not a number, or a float beyond double's range (go-yaml keeps that a
// string). Never throws.
std::optional<nlohmann::json> plain_number(const std::string& v) {
  std::string_view digits = v;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);  // from_chars: no '+'
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  if (yaml::is_decimal_int(v)) {
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(first, last, i); ec == std::errc() && p == last) return i;
    std::uint64_t u = 0;
    if (auto [p, ec] = std::from_chars(first, last, u); ec == std::errc() && p == last) return u;
  } else if (!yaml::is_decimal_float(v)) {
    return std::nullopt;
  }
  double d = 0;
  if (auto [p, ec] = std::from_chars(first, last, d); ec == std::errc() && p == last) return d;
  return std::nullopt;
}

// Counts nothing and builds nothing: parsing alone finds how many documents the stream holds.
class NoEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::vector<YAML::Node> yaml_load_all(const std::string& text) {
  // A document takes at least one line of its own, so a stream has at most lines + 1.
  const auto limit = static_cast<size_t>(std::ranges::count(text, '\n')) + 2;
  std::istringstream in(text);
  YAML::Parser parser(in);
  NoEvents events;
  size_t documents = 0;
  while (parser.HandleNextDocument(events)) {
    if (++documents > limit) {
      throw YAML::ParserException(YAML::Mark(),
                                  "the stream does not parse into documents (a stray character "
                                  "outside any value, such as a comma?)");
    }
  }
  return YAML::LoadAll(text);
}

namespace {

// yaml-cpp 0.7 reads the escapes \N (U+0085) and \_ (U+00A0) of a double-quoted scalar as the
// single bytes 0x85 and 0xA0 instead of their UTF-8 encoding; libyaml and go-yaml write \N
// (common/yaml_emit.cpp does). A stray continuation byte of those two values is put right.
std::string fix_yaml_cpp_escapes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 1;
    if ((c & 0xe0u) == 0xc0u) n = 2;
    if ((c & 0xf0u) == 0xe0u) n = 3;
    if ((c & 0xf8u) == 0xf0u) n = 4;
    if (c == 0x85 || c == 0xa0) out += '\xc2';
    out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string quoted_scalar(const YAML::Node& node) {
  const std::string& v = node.Scalar();
  return node.Tag() == "!" ? fix_yaml_cpp_escapes(v) : v;
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) {
  using json = nlohmann::json;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json m = json::object();
      for (const auto& kv : node) m[quoted_scalar(kv.first)] = yaml_to_json(kv.second);
      return m;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : node) a.push_back(yaml_to_json(item));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& v = node.Scalar();
      if (node.Tag() == "!") return quoted_scalar(node);  // quoted: always a string
      if (v == "true" || v == "True") return true;
      if (v == "false" || v == "False") return false;
      if (v == "null" || v == "~") return nullptr;
      if (auto n = plain_number(v)) return *n;
      return v;
    }
    default:
      return nullptr;
  }
}

void yaml_merge_into(YAML::Node base, const YAML::Node& over) {
  for (const auto& kv : over) {
    const std::string key = kv.first.as<std::string>();
    if (kv.second.IsMap() && base[key] && base[key].IsMap()) {
      yaml_merge_into(base[key], kv.second);
    } else {
      base[key] = YAML::Clone(kv.second);
    }
  }
}

}  // namespace kadm
