#include "registry.h"

#include <algorithm>

namespace kadm::cli {

namespace {
std::vector<std::pair<int, SetupFn>>& table() {
  static std::vector<std::pair<int, SetupFn>> t;
  return t;
}
}  // namespace

Registrar::Registrar(int order, SetupFn setup) { table().emplace_back(order, std::move(setup)); }

void setup_all(CLI::App& root, Context& ctx) {
  auto& t = table();
  std::stable_sort(t.begin(), t.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, fn] : t) fn(root, ctx);
}

}  // namespace kadm::cli
