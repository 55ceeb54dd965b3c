#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>

#include "common/fs.h"
#include "common/unique_fd.h"

extern char** environ;

namespace kadm {

namespace {

// posix_spawn's attributes and file actions, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  bool actions_ok = false;
  bool attr_ok = false;
  SpawnSetup() {
    actions_ok = posix_spawn_file_actions_init(&actions) == 0;
    attr_ok = posix_spawnattr_init(&attr) == 0;
  }
  ~SpawnSetup() {
    if (actions_ok) posix_spawn_file_actions_destroy(&actions);
    if (attr_ok) posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

int wait_for(pid_t pid, int options) {
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid, &status, options)) < 0 && errno == EINTR) {
  }
  return r == pid ? status : -1;
}

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options) {
  if (argv.empty()) return fail("cannot run an empty command");
  const std::string& program = argv[0];
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return fail(ErrorKind::Io, "pipe: " + fs::errno_text(errno));
  UniqueFd read_end(pipefd[0]);
  UniqueFd write_end(pipefd[1]);

  // Everything the child needs is prepared here, before it exists: no allocation happens in it.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  SpawnSetup setup;
  if (!setup.actions_ok || !setup.attr_ok) return fail("cannot prepare to run " + program);
  // The child's stdin is /dev/null (it must never wait for, or read, kadm's input), its stdout
  // and stderr the pipe (dup2 clears close-on-exec on the copies); signals it gets as usual.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  int rc = posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 2);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  if (rc == 0) rc = posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF);
  if (rc != 0) return fail("cannot prepare to run " + program + ": " + fs::errno_text(rc));

  pid_t pid = -1;
  rc = ::posix_spawnp(&pid, program.c_str(), &setup.actions, &setup.attr, args.data(), environ);
  if (rc != 0) {
    return fail("cannot execute " + program + ": " + fs::errno_text(rc) +
                (rc == ENOENT ? " (is it installed and on PATH?)" : ""));
  }
  write_end.reset();

  using SteadyClock = std::chrono::steady_clock;
  const auto deadline = SteadyClock::now() + options.timeout;
  ProcessResult out;
  std::array<char, 4096> buf{};
  enum class Read { Data, Nothing, End };
  auto read_some = [&]() {
    ssize_t n = ::read(read_end.get(), buf.data(), buf.size());
    if (n > 0) {
      out.output.append(buf.data(), static_cast<size_t>(n));
      return Read::Data;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Read::Nothing;
    return Read::End;  // every writer is gone (or the pipe failed)
  };
  std::optional<int> status;
  bool eof = false;
  for (;;) {
    if (int s = 0; !status && ::waitpid(pid, &s, WNOHANG) == pid) status = s;
    if (status) {
      // The program has ended, so what it wrote is in the pipe; a process it started may keep
      // the pipe open, so read only what is there.
      if (!eof && ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK) == 0) {
        while (read_some() == Read::Data) {
        }
      }
      break;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);  // our own child only
      wait_for(pid, 0);
      return fail(ErrorKind::Timeout, "command \"" + program + "\" did not finish within " +
                                          format_duration(options.timeout) + " and was killed");
    }
    // Wake up at least every 100 ms (10 ms once the pipe is closed) to notice the end of the
    // program.
    const int wait_ms = static_cast<int>(std::min<std::int64_t>(left.count(), eof ? 10 : 100));
    pollfd p{read_end.get(), POLLIN, 0};
    int ready = ::poll(eof ? nullptr : &p, eof ? 0 : 1, wait_ms);
    if (ready > 0) eof = read_some() == Read::End;
  }
  out.exit_code = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128;
  return out;
}

}  // namespace kadm
