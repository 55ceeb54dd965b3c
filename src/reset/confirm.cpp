#include "reset/confirm.h"

#include <istream>
#include <ostream>
#include <string>

#include "common/strings.h"

namespace kadm::reset {

Status confirm_reset(std::istream& in, std::ostream& out) {
  out << "[reset] WARNING: this reverts the changes 'kadm init' or 'kadm join' made to this host.\n"
      << "[reset] Are you sure you want to proceed? [y/N]: " << std::flush;
  std::string answer;
  if (!std::getline(in, answer)) answer.clear();
  answer = str::trim(answer);
  if (answer == "y" || answer == "Y") return {};
  return fail(ErrorKind::Validation,
              "reset cancelled: the answer was not \"y\" or \"Y\"; nothing was changed (use "
              "--force to skip this question)");
}

}  // namespace kadm::reset
