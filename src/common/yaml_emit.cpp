#include "common/yaml_emit.h"

#include <yaml.h>

#include <cstdint>
#include <stdexcept>

#include "common/yaml_scalar_forms.h"

namespace kadm::yaml {

namespace {

// libyaml refuses a scalar that is not valid UTF-8 (yaml-cpp reads such bytes without a word):
// every byte that does not start a valid sequence becomes U+FFFD, as Go's strings.ToValidUTF8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = byte(i);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (byte(i + k) & 0xC0) == 0x80;
    if (ok && len > 1) {
      std::uint32_t cp = c & (0xFF >> (len + 1));
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
      static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// libyaml's emitter with go-yaml's settings: unicode written as is, no line wrapping, and the
// output collected into a string.
class Emitter {
 public:
  Emitter() {
    if (yaml_emitter_initialize(&m_emitter) == 0) throw std::bad_alloc();
    yaml_emitter_set_output(&m_emitter, &Emitter::write, &m_out);
    yaml_emitter_set_unicode(&m_emitter, 1);
    yaml_emitter_set_width(&m_emitter, -1);
    yaml_emitter_set_indent(&m_emitter, 2);
  }
  ~Emitter() { yaml_emitter_delete(&m_emitter); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  void stream_start() {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    emit(e);
  }
  void stream_end() {
    yaml_event_t e;
    yaml_stream_end_event_initialize(&e);
    emit(e);
  }
  void document_start() {
    yaml_event_t e;
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    emit(e);
  }
  void document_end() {
    yaml_event_t e;
    yaml_document_end_event_initialize(&e, 1);
    emit(e);
  }
  void mapping_start() {
    yaml_event_t e;
    yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
    emit(e);
  }
  void mapping_end() {
    yaml_event_t e;
    yaml_mapping_end_event_initialize(&e);
    emit(e);
  }
  void sequence_start() {
    yaml_event_t e;
    yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
    emit(e);
  }
  void sequence_end() {
    yaml_event_t e;
    yaml_sequence_end_event_initialize(&e);
    emit(e);
  }
  // A number, bool or null, written plain.
  void literal(const std::string& text) { scalar(text, YAML_PLAIN_SCALAR_STYLE); }
  // A string, styled as go-yaml styles it (libyaml falls back from plain to single quotes, and
  // from single to double quotes, where the text needs it).
  void string(std::string_view s) {
    const bool double_quotes = resolves_to_non_string(s) || needs_escapes(s);
    scalar(s, double_quotes ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
  }
  void scalar(std::string_view raw, yaml_scalar_style_t style) {
    const std::string valid = valid_utf8(raw);
    const std::string_view s = valid;
    yaml_event_t e;
    // libyaml copies the value; it takes a non-const pointer only by its C signature.
    auto* text = const_cast<yaml_char_t*>(reinterpret_cast<const yaml_char_t*>(s.data()));
    if (yaml_scalar_event_initialize(&e, nullptr, nullptr, text, static_cast<int>(s.size()), 1, 1,
                                     style) == 0) {
      throw std::bad_alloc();
    }
    emit(e);
  }

  std::string take() { return std::move(m_out); }

 private:
  static int write(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }
  void emit(yaml_event_t& e) {
    // yaml_emitter_emit takes ownership of the event, also on failure.
    if (yaml_emitter_emit(&m_emitter, &e) == 0) {
      throw std::logic_error(std::string("YAML emitter: ") +
                             (m_emitter.problem != nullptr ? m_emitter.problem : "failed"));
    }
  }

  yaml_emitter_t m_emitter{};
  std::string m_out;
};

template <typename Json>
void emit_value(Emitter& e, const Json& v) {
  if (v.is_object()) {
    e.mapping_start();  // libyaml writes an empty one as {}
    for (const auto& [key, val] : v.items()) {
      e.string(key);
      emit_value(e, val);
    }
    e.mapping_end();
  } else if (v.is_array()) {
    e.sequence_start();  // an empty one as []
    for (const auto& item : v) emit_value(e, item);
    e.sequence_end();
  } else if (v.is_string()) {
    e.string(v.template get_ref<const std::string&>());
  } else if (v.is_null() || v.is_discarded()) {
    e.literal("null");
  } else {
    e.literal(v.dump());  // numbers, booleans
  }
}

template <typename Json>
std::string emit_document(const Json& value) {
  Emitter e;
  e.stream_start();
  e.document_start();
  emit_value(e, value);
  e.document_end();
  e.stream_end();
  return e.take();
}

// The length of the escaped character starting at s[i] (0: none).
size_t escaped_char_at(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
  const unsigned char c = at(i);
  if (c < 0x20 || c == 0x7f) return 1;
  const unsigned char c1 = at(i + 1);
  const unsigned char c2 = at(i + 2);
  if (c == 0xc2 && c1 >= 0x80 && c1 <= 0x9f) return 2;                           // U+0080..9F
  const bool separator = c == 0xe2 && c1 == 0x80 && (c2 == 0xa8 || c2 == 0xa9);  // U+2028/9
  const bool bom = c == 0xef && c1 == 0xbb && c2 == 0xbf;                        // U+FEFF
  const bool non_char = c == 0xef && c1 == 0xbf && (c2 == 0xbe || c2 == 0xbf);   // U+FFFE/F
  return separator || bom || non_char ? 3 : 0;
}

}  // namespace

std::string emit(const nlohmann::json& value) { return emit_document(value); }
std::string emit_ordered(const nlohmann::ordered_json& value) { return emit_document(value); }

namespace {

// "k: <scalar>\n" without "k: " and the newline.
template <typename Write>
std::string after_key(Write write_value) {
  Emitter e;
  e.stream_start();
  e.document_start();
  e.mapping_start();
  e.literal("k");
  write_value(e);
  e.mapping_end();
  e.document_end();
  e.stream_end();
  std::string out = e.take();
  out.erase(0, 3);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::string scalar(std::string_view s) {
  return after_key([&](Emitter& e) { e.string(s); });
}

std::string double_quoted(std::string_view s) {
  return after_key([&](Emitter& e) { e.scalar(s, YAML_DOUBLE_QUOTED_SCALAR_STYLE); });
}

namespace {

// go-yaml's parseTimestamp: Go's time.Parse with the layouts "2006-1-2T15:4:5.999999999Z07:00"
// (also with "t"), "2006-1-2 15:4:5.999999999" and "2006-1-2", fields in range.
bool is_timestamp(std::string_view s) {
  const auto t = timestamp_fields(s);
  if (!t) return false;
  const bool leap = (t->year % 4 == 0 && t->year % 100 != 0) || t->year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (t->month < 1 || t->month > 12 || t->day < 1) return false;
  if (t->day > kDays[t->month - 1] + (t->month == 2 && leap ? 1 : 0)) return false;
  return t->hour < 24 && t->minute < 60 && t->second < 60 && t->zone_hours <= 24 &&
         t->zone_minutes <= 60;
}

}  // namespace

bool resolves_to_non_string(std::string_view s) {
  return s.empty() || is_yaml11_special(s) || is_yaml11_int(s) || is_yaml11_float(s) ||
         is_yaml11_base60(s) || is_timestamp(s);
}

bool needs_escapes(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (escaped_char_at(s, i) != 0) return true;
  }
  return false;
}

}  // namespace kadm::yaml
