#pragma once
// Columns as Go's text/tabwriter lays them out for kubeadm's tables (minimum width 10, padding
// 3, spaces): every column but the last is as wide as its widest cell plus the padding.

#include <string>
#include <vector>

namespace kadm::upgrade {

class TabWriter {
 public:
  explicit TabWriter(std::size_t min_width = 10, std::size_t padding = 3)
      : m_min_width(min_width), m_padding(padding) {}
  void row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }
  std::string str() const;

 private:
  std::size_t m_min_width;
  std::size_t m_padding;
  std::vector<std::vector<std::string>> m_rows;
};

}  // namespace kadm::upgrade
