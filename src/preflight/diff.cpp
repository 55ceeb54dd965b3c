#include "preflight/diff.h"

#include <vector>

#include "common/strings.h"

namespace kadm::preflight {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = str::split(text, '\n', false);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

struct Op {
  char kind;  // ' ', '-', '+'
  size_t old_line;
  size_t new_line;
  const std::string* text;
};

// Longest-common-subsequence edit script; host config files are small, so O(n·m) is fine.
std::vector<Op> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<size_t>> lcs(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ops.push_back({' ', i, j, &a[i]});
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i, j, &a[i]});  // removals before additions, as diff(1) prints them
      ++i;
    } else {
      ops.push_back({'+', i, j, &b[j]});
      ++j;
    }
  }
  return ops;
}

std::string range(size_t start, size_t count) {
  // Unified diff ranges are 1-based; an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::string& after) {
  if (before && *before == after) return "";
  auto a = lines_of(before.value_or(""));
  auto b = lines_of(after);
  auto ops = edit_script(a, b);
  constexpr size_t kContext = 3;
  std::string out =
      (before ? "--- " + path : std::string("--- /dev/null")) + "\n+++ " + path + "\n";
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after the last change
    // that is at most 2*kContext unchanged lines from the previous one.
    size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;
    size_t unchanged = 0;
    for (size_t m = k; m < ops.size(); ++m) {
      if (ops[m].kind == ' ') {
        if (++unchanged > 2 * kContext) break;
      } else {
        unchanged = 0;
        end = m;
      }
    }
    size_t stop = std::min(ops.size(), end + 1 + kContext);
    size_t old_count = 0, new_count = 0;
    for (size_t m = start; m < stop; ++m) {
      if (ops[m].kind != '+') ++old_count;
      if (ops[m].kind != '-') ++new_count;
    }
    out += "@@ -" + range(ops[start].old_line, old_count) + " +" +
           range(ops[start].new_line, new_count) + " @@\n";
    for (size_t m = start; m < stop; ++m) out += std::string(1, ops[m].kind) + *ops[m].text + "\n";
    k = stop;
  }
  return out;
}

}  // namespace kadm::preflight
