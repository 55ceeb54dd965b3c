#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstring>

#include <array>
#include <cstdio>

#include "common/fs.h"
#include "common/strings.h"
#include "plan/effects.h"

namespace kadm::plan {

Result<std::string> run_command(const std::vector<std::string>& argv) {
  if (argv.empty()) return fail("run_command: empty command");
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return fail(ErrorKind::Io, "pipe: " + fs::errno_text(errno));
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::Io, "fork: " + fs::errno_text(errno));
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot execute %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::string output;
  std::array<char, 4096> buf{};
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail("command \"" + str::join(argv, " ") + "\" failed (exit " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                "): " + str::trim(output));
  }
  return output;
}

Status RealEffects::apply(const Action& action) {
  spdlog::debug("[effects] {}", describe(action));
  struct Visitor {
    Status operator()(const WriteFile& a) const {
      if (auto s = fs::make_dirs(a.path.parent_path(), 0755); !s) return s;
      return fs::write_file_atomic(a.path, a.content, a.mode);
    }
    Status operator()(const MakeDir& a) const { return fs::make_dirs(a.path, a.mode); }
    Status operator()(const RemoveFile& a) const { return fs::remove_file(a.path); }
    Status operator()(const RemoveContents& a) const { return fs::remove_contents(a.path); }
    Status operator()(const RunCommand& a) const {
      auto r = run_command(a.argv);
      if (!r) return std::unexpected(r.error());
      return {};
    }
  };
  return std::visit(Visitor{}, action);
}

}  // namespace kadm::plan
