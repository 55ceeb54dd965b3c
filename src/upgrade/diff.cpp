#include "upgrade/diff.h"

#include <algorithm>
#include <vector>

namespace kadm::upgrade {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      out.push_back(text);
      break;
    }
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return out;
}

enum class Op { Same, Del, Add };
struct Edit {
  Op op;
  std::size_t a;  // line index in `from` (Same, Del)
  std::size_t b;  // line index in `to` (Same, Add)
};

// The edit script from a longest common subsequence (manifests are a few hundred lines);
// deletions before additions, as diff -u prints a changed line.
std::vector<Edit> edit_script(const std::vector<std::string_view>& a,
                              const std::vector<std::string_view>& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({Op::Same, i++, j++});
    } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
      out.push_back({Op::Add, i, j++});
    } else {
      out.push_back({Op::Del, i++, j});
    }
  }
  return out;
}

std::string range(std::size_t start, std::size_t count) {
  // diff -u: an empty range names the line before it.
  std::size_t first = count == 0 ? start : start + 1;
  return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

}  // namespace

std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_name,
                         std::string_view to_name, int context) {
  const auto a = lines_of(from);
  const auto b = lines_of(to);
  const auto edits = edit_script(a, b);
  const std::size_t ctx = static_cast<std::size_t>(std::max(context, 0));
  std::string out;
  std::size_t k = 0;
  while (k < edits.size()) {
    // The next change, and the hunk around it: changes closer than 2*ctx lines share a hunk.
    while (k < edits.size() && edits[k].op == Op::Same) ++k;
    if (k == edits.size()) break;
    std::size_t begin = k >= ctx ? k - ctx : 0;
    std::size_t end = k;
    while (end < edits.size()) {
      if (edits[end].op != Op::Same) {
        ++end;
        continue;
      }
      std::size_t run = end;
      while (run < edits.size() && edits[run].op == Op::Same) ++run;
      if (run == edits.size() || run - end > 2 * ctx) {
        end = std::min(end + ctx, edits.size());
        break;
      }
      end = run;
    }
    std::size_t a_start = edits[begin].a, b_start = edits[begin].b, a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t e = begin; e < end; ++e) {
      const auto& ed = edits[e];
      switch (ed.op) {
        case Op::Same:
          body += " " + std::string(a[ed.a]) + "\n";
          ++a_count;
          ++b_count;
          break;
        case Op::Del:
          body += "-" + std::string(a[ed.a]) + "\n";
          ++a_count;
          break;
        case Op::Add:
          body += "+" + std::string(b[ed.b]) + "\n";
          ++b_count;
          break;
      }
    }
    out += "@@ -" + range(a_start, a_count) + " +" + range(b_start, b_count) + " @@\n" + body;
    k = end;
  }
  if (out.empty()) return "";
  return "--- " + std::string(from_name) + "\n+++ " + std::string(to_name) + "\n" + out;
}

}  // namespace kadm::upgrade
