#include "common/process.h"
#include "host/host.h"

namespace kadm::host {

Result<CommandOutput> ExecRunner::run(const std::vector<std::string>& argv) const {
  auto r = KADM_TRY(run_process(argv));
  return CommandOutput{r.exit_code, std::move(r.output)};
}

}  // namespace kadm::host
