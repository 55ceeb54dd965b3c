#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace kadm::str {

std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string lower(std::string_view s);
std::string trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small edit distance, or "" ("did you mean ...").
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);
std::string base64_encode(std::string_view data);
std::string base64url_encode_nopad(std::string_view data);
// Returns false on malformed input.
bool base64_decode(std::string_view in, std::string& out);
std::string hex_encode(std::string_view data);

}  // namespace kadm::str
