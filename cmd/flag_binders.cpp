#include "flag_binders.h"

#include <cstdint>

namespace kadm::cli {

void bind_text(CLI::App* app, const std::string& name, std::optional<std::string>& out,
               const std::string& help) {
  app->add_option_function<std::string>(
      name, [&out](const std::string& v) { out = v; }, help);
}

void bind_number(CLI::App* app, const std::string& name, std::optional<int>& out,
                 const std::string& help) {
  app->add_option_function<int>(
      name, [&out](const int& v) { out = v; }, help);
}

void bind_list(CLI::App* app, const std::string& name, std::optional<std::vector<std::string>>& out,
               const std::string& help) {
  app->add_option_function<std::vector<std::string>>(
         name,
         [&out](const std::vector<std::string>& v) {
           if (!out) out.emplace();
           out->insert(out->end(), v.begin(), v.end());
         },
         help)
      ->delimiter(',');
}

void bind_flag(CLI::App* app, const std::string& name, std::optional<bool>& out,
               const std::string& help) {
  // CLI11 passes a negative count for "--flag=false".
  app->add_flag_function(
      name, [&out](std::int64_t count) { out = count > 0; }, help);
}

}  // namespace kadm::cli
