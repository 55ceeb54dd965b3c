#pragma once
// Host answered from a Linux machine. /proc, /sys, /etc and PATH lookups are read below `root`
// so tests and `kadm preflight --root DIR` can use a fixture tree; sockets, ports, interfaces and
// the effective uid are always the live machine's (a directory tree cannot describe them).

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "host/host.h"

namespace kadm::host {

struct LinuxHostOptions {
  std::string root = "/";
  // Environment lookup; defaults to getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Programs (systemctl, kubelet); defaults to ExecRunner.
  std::shared_ptr<const CommandRunner> runner;
};

class LinuxHost : public Host {
 public:
  explicit LinuxHost(LinuxHostOptions options = {});

  unsigned effective_uid() const override;
  Result<int> cpu_count() const override;
  Result<std::uint64_t> memory_mb() const override;
  Result<std::string> read_file(const std::string& path) const override;
  bool exists(const std::string& path) const override;
  bool is_dir(const std::string& path) const override;
  Result<bool> dir_empty(const std::string& path) const override;
  std::vector<std::string> list_dir(const std::string& path) const override;
  bool port_in_use(int port, const std::string& address) const override;
  std::optional<std::string> find_executable(const std::string& name) const override;
  ServiceState service_state(const std::string& unit) const override;
  bool service_exists(const std::string& unit) const override;
  bool service_active(const std::string& unit) const override;
  Result<std::string> hostname() const override;
  Result<std::vector<std::string>> resolve(const std::string& name) const override;
  std::optional<std::string> env(const std::string& name) const override;
  std::vector<std::string> environment() const override;
  std::vector<InterfaceAddress> interface_addresses() const override;
  Result<std::string> kernel_release() const override;
  Result<CgroupControllers> cgroup_controllers() const override;
  Status unix_socket_answers(const std::string& path) const override;
  Result<CommandOutput> query_command(const std::vector<std::string>& argv) const override;
  std::string real_path(const std::string& path) const override;
  std::optional<fs::Owner> owner_of(const std::string& path) const override;

 private:
  bool live() const { return m_options.root == "/"; }
  // A unit file comes or goes with a package install, never during a kadm run, so whether a unit
  // exists is asked once per process (a join asked three times, about 3 ms of CPU each with a real
  // systemd, 500 times over in a join storm). Whether it is enabled or running is asked each time:
  // `--fix` enables the kubelet, the kubelet-start phase stops and starts it. Shared by copies.
  struct KnownUnits {
    std::mutex mu;
    std::map<std::string, bool, std::less<>> exists;  // by unit name without ".service"
  };
  void remember_exists(const std::string& unit, bool exists) const;
  LinuxHostOptions m_options;
  std::shared_ptr<KnownUnits> m_known_units = std::make_shared<KnownUnits>();
};

}  // namespace kadm::host
