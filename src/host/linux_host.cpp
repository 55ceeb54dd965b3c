#include "host/linux_host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "common/fs.h"
#include "common/strings.h"
#include "common/unique_fd.h"

namespace kadm::host {

namespace stdfs = std::filesystem;

namespace {

// "0-3,6,8-9" → 7
Result<int> count_cpu_list(std::string_view text) {
  int total = 0;
  for (const auto& part : str::split(str::trim(text), ',')) {
    auto dash = part.find('-');
    char* end = nullptr;
    long first = std::strtol(part.c_str(), &end, 10);
    if (end == part.c_str()) return fail("malformed CPU list \"" + std::string(text) + "\"");
    long last = first;
    if (dash != std::string::npos) last = std::strtol(part.c_str() + dash + 1, nullptr, 10);
    if (last < first) return fail("malformed CPU list \"" + std::string(text) + "\"");
    total += static_cast<int>(last - first + 1);
  }
  return total;
}

int prefix_of(const sockaddr* mask) {
  if (!mask) return 0;
  if (mask->sa_family == AF_INET) {
    const auto* m = reinterpret_cast<const sockaddr_in*>(mask);
    return std::popcount(m->sin_addr.s_addr);
  }
  if (mask->sa_family == AF_INET6) {
    const auto* m = reinterpret_cast<const sockaddr_in6*>(mask);
    int n = 0;
    for (unsigned char b : m->sin6_addr.s6_addr) n += std::popcount(b);
    return n;
  }
  return 0;
}

}  // namespace

LinuxHost::LinuxHost(LinuxHostOptions options) : m_options(std::move(options)) {
  if (m_options.root.empty()) m_options.root = "/";
  if (!m_options.runner) m_options.runner = std::make_shared<ExecRunner>();
  if (!m_options.getenv) {
    m_options.getenv = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      if (!v) return std::nullopt;
      return std::string(v);
    };
  }
}

std::optional<fs::Owner> LinuxHost::owner_of(const std::string& path) const {
  auto owner = fs::owner_of(real_path(path));
  return owner ? *owner : std::nullopt;
}

std::string LinuxHost::real_path(const std::string& path) const {
  if (live()) return path;
  std::string rel = path;
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  return (stdfs::path(m_options.root) / rel).string();
}

unsigned LinuxHost::effective_uid() const { return ::geteuid(); }

Result<int> LinuxHost::cpu_count() const {
  if (live()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  }
  auto online = read_file("/sys/devices/system/cpu/online");
  if (!online) return std::unexpected(online.error());
  return count_cpu_list(*online);
}

Result<std::uint64_t> LinuxHost::memory_mb() const {
  auto meminfo = read_file("/proc/meminfo");
  if (!meminfo) return std::unexpected(meminfo.error());
  std::istringstream in(*meminfo);
  std::string key;
  std::uint64_t kib = 0;
  while (in >> key) {
    if (key == "MemTotal:" && in >> kib) return kib / 1024;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return fail(ErrorKind::Io, "no MemTotal line in " + real_path("/proc/meminfo"));
}

Result<std::string> LinuxHost::read_file(const std::string& path) const {
  return fs::read_file(real_path(path));
}

bool LinuxHost::exists(const std::string& path) const {
  std::error_code ec;
  return stdfs::exists(stdfs::symlink_status(real_path(path), ec));
}

bool LinuxHost::is_dir(const std::string& path) const {
  std::error_code ec;
  return stdfs::is_directory(real_path(path), ec);
}

Result<bool> LinuxHost::dir_empty(const std::string& path) const {
  return fs::dir_is_empty(real_path(path));
}

std::vector<std::string> LinuxHost::list_dir(const std::string& path) const {
  std::vector<std::string> names;
  std::error_code ec;
  for (stdfs::directory_iterator it(real_path(path), ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool LinuxHost::port_in_use(int port, const std::string& address) const {
  // An IPv6 wildcard socket also covers IPv4 (dual-stack), as Go's net.Listen(":port") does.
  bool v6 = address.empty() || address.find(':') != std::string::npos;
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd && address.empty()) {
    v6 = false;
    fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  }
  if (!fd) return false;
  int rc = -1;
  if (v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(port));
    sa.sin6_addr = in6addr_any;
    if (!address.empty() && ::inet_pton(AF_INET6, address.c_str(), &sa.sin6_addr) != 1)
      return false;
    rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    if (!address.empty() && ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return false;
    rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  }
  return rc != 0 && errno == EADDRINUSE;
}

std::optional<std::string> LinuxHost::find_executable(const std::string& name) const {
  auto path = env("PATH").value_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& dir : str::split(path, ':')) {
    std::string candidate = dir + "/" + name;
    if (::access(real_path(candidate).c_str(), X_OK) == 0 && !is_dir(candidate)) return candidate;
  }
  return std::nullopt;
}

namespace {

// What `systemctl is-enabled UNIT` says about the unit; false when systemctl could not be run.
bool read_enabled(const CommandRunner& runner, const std::string& unit, ServiceState& state) {
  auto enabled = runner.run({"systemctl", "is-enabled", unit});
  if (!enabled) return false;
  std::string answer = str::trim(enabled->output);
  // is-enabled prints the unit file state; a missing unit prints nothing useful and exits 1.
  state.exists = !answer.empty() && answer.find("No such file") == std::string::npos &&
                 answer.find("not-found") == std::string::npos;
  state.enabled = enabled->exit_code == 0;
  return true;
}

// The name a unit's answers are remembered under: "kubelet" and "kubelet.service" are one unit.
std::string_view unit_key(std::string_view unit) {
  constexpr std::string_view kSuffix = ".service";
  if (unit.ends_with(kSuffix)) unit.remove_suffix(kSuffix.size());
  return unit;
}

}  // namespace

void LinuxHost::remember_exists(const std::string& unit, bool exists) const {
  std::scoped_lock lock(m_known_units->mu);
  m_known_units->exists.insert_or_assign(std::string(unit_key(unit)), exists);
}

bool LinuxHost::service_exists(const std::string& unit) const {
  if (!live() || !find_executable("systemctl")) return false;
  {
    std::scoped_lock lock(m_known_units->mu);
    if (auto it = m_known_units->exists.find(unit_key(unit)); it != m_known_units->exists.end())
      return it->second;
  }
  ServiceState state;
  if (read_enabled(*m_options.runner, unit, state)) remember_exists(unit, state.exists);
  return state.exists;
}

bool LinuxHost::service_active(const std::string& unit) const {
  if (!live() || !find_executable("systemctl")) return false;
  auto active = m_options.runner->run({"systemctl", "is-active", unit});
  return active && active->exit_code == 0;
}

ServiceState LinuxHost::service_state(const std::string& unit) const {
  ServiceState state;
  // A fixture tree has no init system to ask; only the live machine's systemctl is meaningful.
  if (!live() || !find_executable("systemctl")) return state;
  state.init_system_known = true;
  if (!read_enabled(*m_options.runner, unit, state)) return state;
  remember_exists(unit, state.exists);
  state.active = service_active(unit);
  return state;
}

Result<std::string> LinuxHost::hostname() const {
  if (live()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0) return std::string(buf);
  }
  auto name = read_file("/proc/sys/kernel/hostname");
  if (!name) return std::unexpected(name.error());
  return str::trim(*name);
}

Result<std::vector<std::string>> LinuxHost::resolve(const std::string& name) const {
  std::vector<std::string> found;
  // /etc/hosts first, so a fixture root answers without the network.
  if (auto hosts = read_file("/etc/hosts")) {
    for (const auto& line : str::split(*hosts, '\n')) {
      auto fields = str::split(str::trim(line.substr(0, line.find('#'))), ' ');
      std::vector<std::string> words;
      for (const auto& f : fields) {
        for (const auto& w : str::split(f, '\t')) words.push_back(w);
      }
      for (size_t i = 1; i < words.size(); ++i) {
        if (str::lower(words[i]) == str::lower(name)) found.push_back(words[0]);
      }
    }
  }
  if (!found.empty() || !live()) {
    if (found.empty())
      return fail("lookup " + name + ": no such host in " + real_path("/etc/hosts"));
    return found;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0) return fail("lookup " + name + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(res, &::freeaddrinfo);
  for (auto* ai = res; ai; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr =
        ai->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (::inet_ntop(ai->ai_family, addr, buf, sizeof buf)) found.emplace_back(buf);
  }
  return found;
}

std::optional<std::string> LinuxHost::env(const std::string& name) const {
  return m_options.getenv(name);
}

std::vector<std::string> LinuxHost::environment() const {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

std::vector<InterfaceAddress> LinuxHost::interface_addresses() const {
  std::vector<InterfaceAddress> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owner(list, &::freeifaddrs);
  for (auto* ifa = list; ifa; ifa = ifa->ifa_next) {
    if (!ifa->ifa_addr || (ifa->ifa_flags & IFF_LOOPBACK)) continue;
    int family = ifa->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr = family == AF_INET
                           ? static_cast<const void*>(
                                 &reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr)->sin_addr)
                           : static_cast<const void*>(
                                 &reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr)->sin6_addr);
    if (!::inet_ntop(family, addr, buf, sizeof buf)) continue;
    out.push_back({ifa->ifa_name, buf, prefix_of(ifa->ifa_netmask)});
  }
  return out;
}

Result<std::string> LinuxHost::kernel_release() const {
  if (live()) {
    utsname u{};
    if (::uname(&u) == 0) return std::string(u.release);
  }
  auto release = read_file("/proc/sys/kernel/osrelease");
  if (!release) return std::unexpected(release.error());
  return str::trim(*release);
}

Result<CgroupControllers> LinuxHost::cgroup_controllers() const {
  CgroupControllers c;
  if (auto v2 = read_file("/sys/fs/cgroup/cgroup.controllers")) {
    c.version = 2;
    for (const auto& name : str::split(str::trim(*v2), ' ')) c.enabled.insert(name);
    return c;
  }
  auto v1 = read_file("/proc/cgroups");
  if (!v1) {
    return fail(ErrorKind::Io, "neither " + real_path("/sys/fs/cgroup/cgroup.controllers") +
                                   " nor " + real_path("/proc/cgroups") + " can be read");
  }
  c.version = 1;
  // "#subsys_name hierarchy num_cgroups enabled"
  for (const auto& line : str::split(*v1, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string name;
    int hierarchy = 0, count = 0, enabled = 0;
    if (in >> name >> hierarchy >> count >> enabled && enabled == 1) c.enabled.insert(name);
  }
  return c;
}

Status LinuxHost::unix_socket_answers(const std::string& path) const {
  std::string real = real_path(path);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (real.size() >= sizeof sa.sun_path) return fail("socket path too long: " + real);
  std::memcpy(sa.sun_path, real.c_str(), real.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail(ErrorKind::Io, "socket: " + fs::errno_text(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    return fail(ErrorKind::Io, "dial unix " + real + ": " + fs::errno_text(errno));
  }
  return {};
}

Result<CommandOutput> LinuxHost::query_command(const std::vector<std::string>& argv) const {
  if (argv.empty()) return fail("cannot run an empty command");
  auto exe = find_executable(argv[0]);
  if (!exe) return fail(argv[0] + " not found in system path");
  auto args = argv;
  args[0] = real_path(*exe);
  return m_options.runner->run(args);
}

}  // namespace kadm::host
