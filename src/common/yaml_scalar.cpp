#include "common/yaml_scalar.h"

#include <regex>

namespace kadm::yaml {

namespace {

bool is_blank_at(std::string_view s, size_t i) { return i >= s.size() || s[i] == ' '; }

unsigned char byte_at(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}

// The length of the escaped character starting at s[i] (0: none), and its code point.
size_t escaped_char_at(std::string_view s, size_t i, unsigned& code_point) {
  const unsigned char c = byte_at(s, i);
  if (c < 0x20 || c == 0x7f) {
    code_point = c;
    return 1;
  }
  const unsigned char c1 = byte_at(s, i + 1);
  const unsigned char c2 = byte_at(s, i + 2);
  if (c == 0xc2 && c1 >= 0x80 && c1 <= 0x9f) {  // U+0080..U+009F, NEL among them
    code_point = c1;
    return 2;
  }
  const bool separator = c == 0xe2 && c1 == 0x80 && (c2 == 0xa8 || c2 == 0xa9);  // U+2028/9
  const bool bom = c == 0xef && c1 == 0xbb && c2 == 0xbf;                        // U+FEFF
  const bool non_char = c == 0xef && c1 == 0xbf && (c2 == 0xbe || c2 == 0xbf);   // U+FFFE/F
  if (separator || bom || non_char) {
    code_point = ((c & 0x0fu) << 12) | ((c1 & 0x3fu) << 6) | (c2 & 0x3fu);
    return 3;
  }
  return 0;
}

}  // namespace

bool resolves_to_non_string(std::string_view s) {
  static const std::regex kSpecial(
      "~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|"
      "off|Off|OFF|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|<<");
  static const std::regex kInt("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kBase60("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
  const std::string str(s);
  return s.empty() || std::regex_match(str, kSpecial) || std::regex_match(str, kInt) ||
         std::regex_match(str, kFloat) || std::regex_match(str, kBase60);
}

bool plain_allowed(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ') return false;
  if (s.starts_with("---") || s.starts_with("...")) return false;
  if (std::string_view("#,[]{}&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  if ((s.front() == '?' || s.front() == ':' || s.front() == '-') && is_blank_at(s, 1)) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':' && is_blank_at(s, i + 1)) return false;
    if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return !needs_escapes(s);
}

bool needs_escapes(std::string_view s) {
  unsigned code_point = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (escaped_char_at(s, i, code_point) != 0) return true;
  }
  return false;
}

std::string double_quoted(std::string_view s) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    const size_t n = escaped_char_at(s, i, cp);
    if (n == 0) {
      if (s[i] == '"' || s[i] == '\\') out += '\\';
      out += s[i++];
      continue;
    }
    i += n;
    switch (cp) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (cp <= 0xff) {
          out += "\\x";
          out += kHex[cp >> 4];
          out += kHex[cp & 0xf];
        } else {
          out += "\\u";
          for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xf];
        }
    }
  }
  return out + "\"";
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace kadm::yaml
