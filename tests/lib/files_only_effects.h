#pragma once
// Effects for fix tests: file actions really happen (inside a temp fixture root); commands are
// only recorded, so tests never swapoff or modprobe the machine running them.

#include <string>
#include <vector>

#include "common/strings.h"
#include "plan/effects.h"

namespace kadm::test {

class FilesOnlyEffects final : public plan::Effects {
 public:
  Status apply(const plan::Action& action) override {
    actions.push_back(action);
    if (const auto* c = std::get_if<plan::RunCommand>(&action)) {
      commands.push_back(str::join(c->argv, " "));
      return {};
    }
    return m_real.apply(action);
  }
  std::vector<plan::Action> actions;
  std::vector<std::string> commands;

 private:
  plan::RealEffects m_real;
};

}  // namespace kadm::test
