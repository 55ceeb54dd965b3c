#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>

#include "common/fs.h"
#include "common/unique_fd.h"
#include "host/linux_host.h"
#include "lib/fixture_host.h"
#include "lib/temp_dir.h"

using namespace kadm;

namespace {
void put(const std::filesystem::path& root, const std::string& rel, const std::string& content) {
  auto p = root / rel;
  ASSERT_TRUE(fs::make_dirs(p.parent_path(), 0755));
  ASSERT_TRUE(fs::write_file_atomic(p, content, 0644));
}
}  // namespace

TEST(LinuxHost, ReadsProcSysEtcBelowRoot) {
  test::TempDir dir;
  put(dir.path(), "proc/meminfo", "MemTotal:        2048000 kB\nMemFree: 1 kB\n");
  put(dir.path(), "sys/devices/system/cpu/online", "0-3,6\n");
  put(dir.path(), "proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
  put(dir.path(), "proc/sys/kernel/hostname", "node-1\n");
  put(dir.path(), "etc/hosts", "127.0.0.1 localhost\n10.0.0.5\tnode-1 node-1.example # me\n");
  host::LinuxHost h({dir.path().string(), {}, std::make_shared<test::FakeRunner>()});
  EXPECT_EQ(h.real_path("/etc/fstab"), (dir.path() / "etc/fstab").string());
  EXPECT_EQ(*h.memory_mb(), 2000u);
  EXPECT_EQ(*h.cpu_count(), 5);
  EXPECT_EQ(*h.kernel_release(), "5.15.0-91-generic");
  EXPECT_EQ(*h.hostname(), "node-1");
  EXPECT_EQ(*h.resolve("node-1"), std::vector<std::string>{"10.0.0.5"});
  EXPECT_FALSE(h.resolve("elsewhere").has_value());
  // A fixture has no init system to ask.
  EXPECT_FALSE(h.service_state("kubelet.service").init_system_known);
}

TEST(LinuxHost, MissingProcFilesAreErrorsNotCrashes) {
  test::TempDir dir;
  host::LinuxHost h({dir.path().string(), {}, std::make_shared<test::FakeRunner>()});
  EXPECT_FALSE(h.memory_mb().has_value());
  EXPECT_FALSE(h.cpu_count().has_value());
  EXPECT_FALSE(h.cgroup_controllers().has_value());
  EXPECT_FALSE(h.read_file("/proc/swaps").has_value());
  EXPECT_TRUE(*h.dir_empty("/var/lib/etcd"));
}

TEST(LinuxHost, CgroupV2ThenV1) {
  test::TempDir dir;
  put(dir.path(), "proc/cgroups",
      "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\nmemory\t2\t1\t0\n");
  host::LinuxHost h({dir.path().string(), {}, std::make_shared<test::FakeRunner>()});
  auto v1 = h.cgroup_controllers();
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->version, 1);
  EXPECT_TRUE(v1->enabled.contains("cpu"));
  EXPECT_FALSE(v1->enabled.contains("memory"));
  put(dir.path(), "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
  auto v2 = h.cgroup_controllers();
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->version, 2);
  EXPECT_TRUE(v2->enabled.contains("memory"));
}

// The live machine's systemctl (a fake one on PATH, answered by the runner): a unit's existence
// is asked once per process, whether it is enabled or running every time.
TEST(LinuxHost, AsksSystemctlOnceWhetherAUnitExists) {
  test::TempDir bin;
  put(bin.path(), "systemctl", "#!/bin/sh\n");
  std::filesystem::permissions(bin.path() / "systemctl", std::filesystem::perms::owner_all);
  auto runner = std::make_shared<test::FakeRunner>();
  runner->outputs["systemctl"] = {0, "enabled\n"};
  host::LinuxHost h({"/",
                     [&](const std::string& name) -> std::optional<std::string> {
                       if (name == "PATH") return bin.path().string();
                       return std::nullopt;
                     },
                     runner});
  auto asked = [&](std::string_view verb) {
    return std::ranges::count_if(
        runner->calls, [&](const auto& argv) { return argv.size() == 3 && argv[1] == verb; });
  };
  EXPECT_TRUE(h.service_exists("kubelet"));
  EXPECT_TRUE(h.service_exists("kubelet.service"));
  EXPECT_EQ(asked("is-enabled"), 1);
  auto state = h.service_state("kubelet");
  EXPECT_TRUE(state.init_system_known && state.exists && state.enabled && state.active);
  EXPECT_EQ(asked("is-enabled"), 2);
  EXPECT_EQ(asked("is-active"), 1);
  EXPECT_TRUE(h.service_active("systemd-resolved"));
  EXPECT_EQ(asked("is-active"), 2);
  EXPECT_EQ(asked("is-enabled"), 2);

  // A unit systemctl does not know: asked once too, and still unknown.
  runner->outputs["systemctl"] = {1,
                                  "Failed to get unit file state for crio.service: No such file "
                                  "or directory\n"};
  EXPECT_FALSE(h.service_exists("crio"));
  EXPECT_FALSE(h.service_exists("crio.service"));
  EXPECT_EQ(asked("is-enabled"), 3);
  EXPECT_FALSE(h.service_active("crio"));
}

TEST(LinuxHost, PathLookupAndQueriesGoThroughRootAndRunner) {
  test::TempDir dir;
  test::FixtureHost h(dir.path());
  EXPECT_FALSE(h.find_executable("kubelet"));
  h.add_executable("kubelet");
  EXPECT_EQ(*h.find_executable("kubelet"), "/usr/bin/kubelet");
  h.runner().outputs["kubelet"] = {0, "Kubernetes v1.35.1\n"};
  auto out = h.query_command({"kubelet", "--version"});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->output, "Kubernetes v1.35.1\n");
  EXPECT_EQ(h.runner().calls.back().at(0), h.real_path("/usr/bin/kubelet"));
}

TEST(LinuxHost, UnixSocketAnswersOnlyWhenListening) {
  test::TempDir dir;
  host::LinuxHost h({dir.path().string(), {}, std::make_shared<test::FakeRunner>()});
  ASSERT_TRUE(fs::make_dirs(dir.path() / "run", 0755));
  EXPECT_FALSE(h.unix_socket_answers("/run/cri.sock").has_value());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  auto path = h.real_path("/run/cri.sock");
  ASSERT_LT(path.size(), sizeof sa.sun_path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd.get(), 1), 0);
  EXPECT_TRUE(h.unix_socket_answers("/run/cri.sock").has_value());
}

TEST(LinuxHost, PortInUseWhenSomethingListens) {
  host::LinuxHost h;
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd.get(), 1), 0);
  socklen_t len = sizeof sa;
  ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len), 0);
  int port = ntohs(sa.sin_port);
  EXPECT_TRUE(h.port_in_use(port, "127.0.0.1"));
  fd.reset();
  EXPECT_FALSE(h.port_in_use(port, "127.0.0.1"));
}
