#pragma once
// A LinuxHost reading a fixture tree, with the live-machine answers (uid, ports, services,
// interfaces, environment, programs) replaced by values the test sets.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/fs.h"
#include "host/linux_host.h"

namespace kadm::test {

class FakeRunner final : public host::CommandRunner {
 public:
  // Preflight runs checks side by side: calls are recorded under a lock.
  Result<host::CommandOutput> run(const std::vector<std::string>& argv) const override {
    {
      std::scoped_lock lock(m_calls_mu);
      calls.push_back(argv);
    }
    auto name = std::filesystem::path(argv.at(0)).filename().string();
    auto it = outputs.find(name);
    if (it == outputs.end()) return fail("cannot execute " + argv[0]);
    return it->second;
  }
  std::map<std::string, host::CommandOutput> outputs;  // by program name
  mutable std::vector<std::vector<std::string>> calls;

 private:
  mutable std::mutex m_calls_mu;
};

class FixtureHost final : public host::LinuxHost {
 public:
  explicit FixtureHost(const std::filesystem::path& root,
                       std::shared_ptr<FakeRunner> runner = std::make_shared<FakeRunner>())
      : LinuxHost(host::LinuxHostOptions{root.string(), {}, runner}),
        m_root(root),
        m_runner(std::move(runner)) {
    env_vars["PATH"] = "/usr/bin";
  }

  // Writes a fixture file (host path) and creates its directory.
  void write(const std::string& path, const std::string& content) const {
    auto real = std::filesystem::path(real_path(path));
    (void)fs::make_dirs(real.parent_path(), 0755);
    (void)fs::write_file_atomic(real, content, 0644);
  }
  void add_executable(const std::string& name) const {
    write("/usr/bin/" + name, "#!/bin/sh\n");
    std::filesystem::permissions(real_path("/usr/bin/" + name), std::filesystem::perms::owner_all);
  }
  std::string read(const std::string& path) const {
    auto r = fs::read_file(real_path(path));
    return r ? *r : std::string("<missing>");
  }

  unsigned effective_uid() const override { return euid; }
  bool port_in_use(int port, const std::string&) const override {
    return busy_ports.contains(port);
  }
  host::ServiceState service_state(const std::string& unit) const override {
    auto it = services.find(unit);
    return it == services.end() ? host::ServiceState{true, false, false, false} : it->second;
  }
  bool service_exists(const std::string& unit) const override { return service_state(unit).exists; }
  bool service_active(const std::string& unit) const override { return service_state(unit).active; }
  std::vector<host::InterfaceAddress> interface_addresses() const override { return addresses; }
  std::optional<std::string> env(const std::string& name) const override {
    auto it = env_vars.find(name);
    if (it == env_vars.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> environment() const override {
    std::vector<std::string> out;
    for (const auto& [name, value] : env_vars) out.push_back(name + "=" + value);
    return out;
  }
  Result<std::string> kernel_release() const override { return kernel; }

  FakeRunner& runner() { return *m_runner; }

  unsigned euid = 0;
  std::set<int> busy_ports;
  std::map<std::string, host::ServiceState> services;
  std::vector<host::InterfaceAddress> addresses;
  std::map<std::string, std::string> env_vars;
  std::string kernel = "6.1.0-18-amd64";

 private:
  std::filesystem::path m_root;
  std::shared_ptr<FakeRunner> m_runner;
};

}  // namespace kadm::test
