#pragma once
// What `token list` prints (spec §4.3): the text table, laid out as kubeadm's per-token tabwriter
// does, and the `output.kubeadm.k8s.io/v1alpha3` BootstrapToken objects for -o json|yaml.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/time_format.h"
#include "config/types.h"

namespace kadm::token {

inline constexpr std::string_view kOutputApiVersion = "output.kubeadm.k8s.io/v1alpha3";

// Go text/tabwriter with minwidth 10, padding 3, pad char ' ' over one block of lines: every cell
// but the last of a line is padded to its column's widest cell + 3 (at least 10).
std::string tabwrite(const std::vector<std::vector<std::string>>& lines);

// One table row's cells: TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS. An expired token
// shows "<invalid>" as TTL.
std::vector<std::string> token_row(const config::BootstrapToken& token, SystemTimePoint now);

// Header + rows. kubeadm flushes a tabwriter per token, so the header aligns with the first row
// only and every later row is laid out on its own; this reproduces that byte for byte.
std::string format_token_table(const std::vector<config::BootstrapToken>& tokens,
                               SystemTimePoint now);

// The BootstrapToken output object (kind, apiVersion, token, description, expires, usages,
// groups; empty fields left out).
nlohmann::ordered_json token_output_object(const config::BootstrapToken& token);

// One pretty-printed JSON object per token (4-space indent), each followed by a newline.
std::string format_token_json(const std::vector<config::BootstrapToken>& tokens);
// One YAML document per token with sorted keys, separated by "---".
std::string format_token_yaml(const std::vector<config::BootstrapToken>& tokens);

enum class ListFormat { Text, Json, Yaml };
Result<ListFormat> parse_list_format(std::string_view text);

}  // namespace kadm::token
