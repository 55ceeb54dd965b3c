#include "registry.h"

#include <algorithm>
#include <string_view>

namespace kadm::cli {

namespace {
std::vector<std::pair<int, SetupFn>>& table() {
  static std::vector<std::pair<int, SetupFn>> t;
  return t;
}
}  // namespace

Registrar::Registrar(int order, SetupFn setup) { table().emplace_back(order, std::move(setup)); }

bool wants_whole_tree(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "completion") return true;
  }
  return false;
}

void setup_all(CLI::App& root, Context& ctx) {
  auto& t = table();
  std::stable_sort(t.begin(), t.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, fn] : t) fn(root, ctx);
}

}  // namespace kadm::cli
