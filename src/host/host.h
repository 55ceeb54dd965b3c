#pragma once
// Every question kadm asks about the machine, behind one read-only interface. Checks and fix
// planners read the host only through this, so tests can point it at a fixture tree or fake it.
// Paths passed in are host paths ("/proc/swaps"); implementations decide where they really live.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/fs.h"

namespace kadm::host {

struct CommandOutput {
  int exit_code = 0;
  std::string output;  // stdout and stderr combined
};

// Runs programs for the few questions only a program can answer (systemctl, kubelet --version).
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// Runs argv without a shell. An error only when the program could not be started.
  virtual Result<CommandOutput> run(const std::vector<std::string>& argv) const = 0;
};

// The runner used on real machines: fork + exec, output captured.
class ExecRunner final : public CommandRunner {
 public:
  Result<CommandOutput> run(const std::vector<std::string>& argv) const override;
};

struct ServiceState {
  bool init_system_known = false;  // false: no systemctl, nothing else below is meaningful
  bool exists = false;
  bool enabled = false;
  bool active = false;
};

struct InterfaceAddress {
  std::string interface;
  std::string address;  // textual IP
  int prefix_length = 0;
};

struct CgroupControllers {
  int version = 0;                // 1 or 2
  std::set<std::string> enabled;  // controller names
};

class Host {
 public:
  virtual ~Host() = default;

  virtual unsigned effective_uid() const = 0;
  /// CPUs usable by this process; error when it cannot be determined.
  virtual Result<int> cpu_count() const = 0;
  /// Total RAM in MiB.
  virtual Result<std::uint64_t> memory_mb() const = 0;
  /// Reads a whole file (under /proc, /sys, /etc, ...). Errors name the path and the reason.
  virtual Result<std::string> read_file(const std::string& path) const = 0;
  virtual bool exists(const std::string& path) const = 0;
  virtual bool is_dir(const std::string& path) const = 0;
  /// True for a missing directory too (nothing would be overwritten).
  virtual Result<bool> dir_empty(const std::string& path) const = 0;
  /// Names of the entries of a directory, sorted; empty when missing.
  virtual std::vector<std::string> list_dir(const std::string& path) const = 0;
  /// The owner of `path` (a final symlink is not followed); nullopt when it does not exist or
  /// cannot be read.
  virtual std::optional<fs::Owner> owner_of(const std::string& path) const = 0;
  /// Tries to bind TCP `address`:`port` ("" = all addresses); true when that fails with EADDRINUSE.
  virtual bool port_in_use(int port, const std::string& address) const = 0;
  /// Full path of `name` found on PATH, or nullopt.
  virtual std::optional<std::string> find_executable(const std::string& name) const = 0;
  virtual ServiceState service_state(const std::string& unit) const = 0;
  /// Whether the init system knows `unit`: service_state's `exists` alone, which a live host
  /// answers with one question instead of two.
  virtual bool service_exists(const std::string& unit) const { return service_state(unit).exists; }
  /// Whether `unit` runs: service_state's `active` alone (one question on a live host).
  virtual bool service_active(const std::string& unit) const { return service_state(unit).active; }
  virtual Result<std::string> hostname() const = 0;
  /// Addresses `name` resolves to; an error says why it does not.
  virtual Result<std::vector<std::string>> resolve(const std::string& name) const = 0;
  /// An environment variable (proxies); nullopt when unset.
  virtual std::optional<std::string> env(const std::string& name) const = 0;
  /// The whole environment as "NAME=value" entries (the proxy variables control-plane pods get).
  virtual std::vector<std::string> environment() const = 0;
  virtual std::vector<InterfaceAddress> interface_addresses() const = 0;
  virtual Result<std::string> kernel_release() const = 0;
  virtual Result<CgroupControllers> cgroup_controllers() const = 0;
  /// True when a unix socket at `path` accepts a connection.
  virtual Status unix_socket_answers(const std::string& path) const = 0;
  /// Runs a program that only reports (e.g. `kubelet --version`).
  virtual Result<CommandOutput> query_command(const std::vector<std::string>& argv) const = 0;
  /// Where host path `path` is on disk (fixture roots prefix it); fixes write there.
  virtual std::string real_path(const std::string& path) const = 0;
};

}  // namespace kadm::host
