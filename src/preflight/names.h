#pragma once
// Check names derived from paths (spec §8.2): prefix + path with every '/' replaced by '-',
// so "/var/lib/etcd" becomes "DirAvailable--var-lib-etcd".

#include <string>
#include <string_view>

namespace kadm::preflight {

std::string path_check_name(std::string_view prefix, std::string_view path);

inline std::string file_available_name(std::string_view path) {
  return path_check_name("FileAvailable", path);
}
inline std::string dir_available_name(std::string_view path) {
  return path_check_name("DirAvailable", path);
}
inline std::string file_content_name(std::string_view path) {
  return path_check_name("FileContent", path);
}
inline std::string file_existing_name(std::string_view binary) {
  return "FileExisting-" + std::string(binary);
}

}  // namespace kadm::preflight
