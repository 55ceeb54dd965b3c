#include "token/token_list.h"

#include <algorithm>

#include "common/duration.h"
#include "common/strings.h"
#include "common/yaml_emit.h"

namespace kadm::token {

namespace {

constexpr size_t kMinWidth = 10;
constexpr size_t kPadding = 3;

// tabwriter counts runes, not bytes.
size_t display_width(std::string_view s) {
  return static_cast<size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad_right(std::string s, size_t width) {
  size_t w = display_width(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}

std::string or_none(const std::string& s) { return s.empty() ? "<none>" : s; }

}  // namespace

std::string tabwrite(const std::vector<std::vector<std::string>>& lines) {
  std::vector<size_t> widths;
  for (const auto& cells : lines) {
    for (size_t i = 0; i + 1 < cells.size(); ++i) {
      if (widths.size() <= i) widths.resize(i + 1, 0);
      widths[i] = std::max(widths[i], std::max(kMinWidth, display_width(cells[i]) + kPadding));
    }
  }
  std::string out;
  for (const auto& cells : lines) {
    for (size_t i = 0; i < cells.size(); ++i) {
      out += i + 1 < cells.size() ? pad_right(cells[i], widths[i]) : cells[i];
    }
    out += "\n";
  }
  return out;
}

std::vector<std::string> token_row(const config::BootstrapToken& t, SystemTimePoint now) {
  std::string ttl = "<forever>";
  std::string expires = "<never>";
  if (t.expires) {
    ttl = short_human_duration(std::chrono::duration_cast<Duration>(*t.expires - now));
    expires = format_rfc3339_utc(*t.expires);
  }
  // kubeadm pads these before the tabwriter sees them; kept for identical columns.
  return {t.token,
          pad_right(ttl, 9),
          expires,
          pad_right(or_none(str::join(t.usages, ",")), 22),
          pad_right(or_none(t.description), 56),
          or_none(str::join(t.groups, ","))};
}

std::string format_token_table(const std::vector<config::BootstrapToken>& tokens,
                               SystemTimePoint now) {
  const std::vector<std::string> header{"TOKEN",  "TTL",         "EXPIRES",
                                        "USAGES", "DESCRIPTION", "EXTRA GROUPS"};
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i == 0) {
      out += tabwrite({header, token_row(tokens[i], now)});
    } else {
      out += tabwrite({token_row(tokens[i], now)});
    }
  }
  return out;
}

nlohmann::ordered_json token_output_object(const config::BootstrapToken& t) {
  nlohmann::ordered_json j;
  j["kind"] = "BootstrapToken";
  j["apiVersion"] = kOutputApiVersion;
  j["token"] = t.token;
  if (!t.description.empty()) j["description"] = t.description;
  if (t.ttl) j["ttl"] = format_duration(*t.ttl);
  if (t.expires) j["expires"] = format_rfc3339_utc(*t.expires);
  if (!t.usages.empty()) j["usages"] = t.usages;
  if (!t.groups.empty()) j["groups"] = t.groups;
  return j;
}

std::string format_token_json(const std::vector<config::BootstrapToken>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += token_output_object(t).dump(4) + "\n";
  return out;
}

std::string format_token_yaml(const std::vector<config::BootstrapToken>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += "---\n";
    // Kubernetes' YAML printer goes through a map, so keys come out sorted (nlohmann::json's
    // order); the one YAML writer quotes the expiry, a timestamp, as go-yaml does.
    out += yaml::emit(nlohmann::json(token_output_object(tokens[i])));
  }
  return out;
}

Result<ListFormat> parse_list_format(std::string_view text) {
  if (text.empty() || text == "text") return ListFormat::Text;
  if (text == "json") return ListFormat::Json;
  if (text == "yaml") return ListFormat::Yaml;
  return fail(ErrorKind::Validation, "unable to match a printer suitable for the output format \"" +
                                         std::string(text) +
                                         "\", allowed formats are: text,json,yaml");
}

}  // namespace kadm::token
