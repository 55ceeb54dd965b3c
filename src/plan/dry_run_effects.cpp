#include <spdlog/spdlog.h>

#include "plan/effects.h"

namespace kadm::plan {

Status DryRunEffects::apply(const Action& action) {
  spdlog::info("[dryrun] Would {}", describe(action));
  if (const auto* w = std::get_if<WriteFile>(&action); w && m_show_content && !w->sensitive) {
    spdlog::info("[dryrun] Contents of {}:\n{}", w->path.string(), w->content);
  }
  return {};
}

}  // namespace kadm::plan
