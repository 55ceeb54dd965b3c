#include "preflight/names.h"

namespace kadm::preflight {

std::string path_check_name(std::string_view prefix, std::string_view path) {
  std::string name(prefix);
  name += '-';
  for (char c : path) name += c == '/' ? '-' : c;
  return name;
}

}  // namespace kadm::preflight
