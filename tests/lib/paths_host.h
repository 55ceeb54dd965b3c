#pragma once
// A host with exactly the files and directories a test names and the environment it sets, for
// code that only asks what exists (the manifest builders: CA-trust mounts, external CA, proxies)
// and who owns it (etcd's data directory).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host/linux_host.h"

namespace kadm::test {

class PathsHost final : public host::LinuxHost {
 public:
  bool exists(const std::string& path) const override {
    return dirs.contains(path) || files.contains(path);
  }
  bool is_dir(const std::string& path) const override { return dirs.contains(path); }
  std::vector<std::string> environment() const override { return env_entries; }
  std::optional<fs::Owner> owner_of(const std::string& path) const override {
    auto it = owners.find(path);
    if (it == owners.end()) return std::nullopt;
    return it->second;
  }

  std::set<std::string> dirs;
  std::set<std::string> files;
  std::vector<std::string> env_entries;     // "NAME=value"
  std::map<std::string, fs::Owner> owners;  // owner_of: nothing else has one
};

}  // namespace kadm::test
