#include "upgrade/tabwriter.h"

#include <algorithm>

namespace kadm::upgrade {

std::string TabWriter::str() const {
  std::vector<std::size_t> widths;
  for (const auto& r : m_rows) {
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
      if (widths.size() <= i) widths.resize(i + 1, 0);
      widths[i] = std::max(widths[i], r[i].size() + m_padding);
    }
  }
  for (auto& w : widths) w = std::max(w, m_min_width);
  std::string out;
  for (const auto& r : m_rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] - r[i].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace kadm::upgrade
