#include "reset/mounts.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/strings.h"

namespace kadm::reset {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string decode_octal_escapes(std::string_view s) {
  auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_oct(s[i + 1]) && is_oct(s[i + 2]) &&
        is_oct(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// MNT_EXPIRE and UMOUNT_NOFOLLOW have no umount(8) option; umount(8) never follows a final
// symlink it was not given, so NOFOLLOW is what it does anyway.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kUmountFlags = {{
    {"MNT_FORCE", "-f"},
    {"MNT_DETACH", "-l"},
    {"UMOUNT_NOFOLLOW", ""},
}};

}  // namespace

std::vector<std::string> mounts_below(std::string_view mountinfo, std::string_view dir) {
  std::string prefix(dir);
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  prefix += '/';
  std::vector<std::string> found;
  for (const auto& line : str::split(mountinfo, '\n')) {
    auto fields = str::split(line, ' ');
    if (fields.size() < 5) continue;
    std::string mount_point = decode_octal_escapes(fields[4]);
    if (mount_point.starts_with(prefix)) found.push_back(mount_point);
  }
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

Result<std::vector<std::string>> umount_options(const std::vector<std::string>& unmount_flags) {
  std::vector<std::string> options;
  for (const auto& name : unmount_flags) {
    auto it = std::find_if(kUmountFlags.begin(), kUmountFlags.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (it == kUmountFlags.end()) {
      return fail(ErrorKind::Validation,
                  "unknown unmount flag \"" + name +
                      "\" in ResetConfiguration.unmountFlags; use MNT_FORCE, MNT_DETACH or "
                      "UMOUNT_NOFOLLOW");
    }
    if (!it->second.empty()) options.emplace_back(it->second);
  }
  return options;
}

}  // namespace kadm::reset
