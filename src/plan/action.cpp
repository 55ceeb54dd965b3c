#include "plan/action.h"

#include <cstdio>

#include "common/strings.h"

namespace kadm::plan {

namespace {
std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}
std::string owned_by(const std::optional<fs::Owner>& owner) {
  if (!owner) return "";
  return ", owned by " + std::to_string(owner->uid) + ":" + std::to_string(owner->gid);
}
}  // namespace

std::string describe(const Action& action) {
  struct Visitor {
    std::string operator()(const WriteFile& a) const {
      return "write " + a.path.string() + " (" + octal(a.mode) + ", " +
             std::to_string(a.content.size()) + " bytes" + (a.sensitive ? ", secret" : "") +
             owned_by(a.owner) + ")";
    }
    std::string operator()(const MakeDir& a) const {
      return "create directory " + a.path.string() + " (" + octal(a.mode) +
             (a.restrict_existing ? ", or restrict it to that" : "") + owned_by(a.owner) + ")";
    }
    std::string operator()(const RemoveFile& a) const { return "remove " + a.path.string(); }
    std::string operator()(const RemoveDir& a) const {
      return "remove the empty directory " + a.path.string();
    }
    std::string operator()(const RemoveContents& a) const {
      return "delete the contents of " + a.path.string();
    }
    std::string operator()(const Symlink& a) const {
      return "link " + a.link.string() + " -> " + a.target.string();
    }
    std::string operator()(const RunCommand& a) const { return "run " + str::join(a.argv, " "); }
  };
  return std::visit(Visitor{}, action);
}

}  // namespace kadm::plan
