#include "common/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "common/unique_fd.h"

namespace kadm::fs {

std::string errno_text(int err) { return std::strerror(err); }

namespace {

Error io_error(const std::string& what, const stdfs::path& path, int err) {
  return Error(ErrorKind::Io, what + " " + path.string() + ": " + errno_text(err));
}

constexpr int kTempRandomChars = 10;

std::string temp_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s = ".tmp-";
  for (int i = 0; i < kTempRandomChars; ++i) s += kChars[rng() % (sizeof(kChars) - 1)];
  return s;
}

// Removes the regular files `dir`/.<name>.tmp-XXXXXXXXXX (temp files of write_file_atomic for
// `name`); best effort.
void remove_stale_temps(const stdfs::path& dir, const std::string& name) {
  const std::string prefix = "." + name + ".tmp-";
  std::error_code ec;
  stdfs::directory_iterator it(dir, ec);
  for (stdfs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.size() != prefix.size() + kTempRandomChars || !file.starts_with(prefix)) continue;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec)) continue;
    ::unlink(it->path().c_str());
  }
}

Status fsync_dir(const stdfs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return std::unexpected(io_error("open directory", dir, errno));
  if (::fsync(fd.get()) != 0) return std::unexpected(io_error("fsync directory", dir, errno));
  return {};
}

}  // namespace

Status write_file_atomic(const stdfs::path& path, std::string_view content, mode_t mode) {
  stdfs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  // Hidden ("." first): the kubelet loads every non-hidden file of the manifests directory and
  // must never see a half-written one.
  stdfs::path tmp = dir / ("." + path.filename().string() + temp_suffix());
  // A process killed between creating its temp file and the rename leaves it behind (never
  // the target: that is either the old or the new content). The next write removes it.
  remove_stale_temps(dir, path.filename().string());

  // Created with `mode` (the umask can only take bits away, so the file is never more open than
  // `mode`), then set to exactly `mode` on the descriptor. The process-wide umask is left alone:
  // other threads create files at the same time.
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) return std::unexpected(io_error("create", tmp, errno));

  // Removes the temp file unless the rename below succeeded.
  struct TempGuard {
    const stdfs::path& p;
    bool armed = true;
    ~TempGuard() {
      if (armed) ::unlink(p.c_str());
    }
  } guard{tmp};

  if (::fchmod(fd.get(), mode) != 0) return std::unexpected(io_error("chmod", tmp, errno));

  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd.get(), data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("write", tmp, errno));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return std::unexpected(io_error("fsync", tmp, errno));
  if (::close(fd.release()) != 0) return std::unexpected(io_error("close", tmp, errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return std::unexpected(io_error("rename to " + path.string() + " from", tmp, errno));
  }
  guard.armed = false;
  return fsync_dir(dir);
}

Result<std::string> read_file(const stdfs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    int err = errno;
    Error e = io_error("read", path, err);
    if (err == ENOENT) e = Error(ErrorKind::NotFound, e.message());
    return std::unexpected(e);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("read", path, errno));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<bool> exists(const stdfs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return std::unexpected(io_error("stat", path, errno));
}

Status make_dirs(const stdfs::path& path, mode_t mode) {
  if (path.empty()) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return std::unexpected(Error(ErrorKind::Io, path.string() + " exists and is not a directory"));
  }
  if (path.has_parent_path() && path.parent_path() != path) {
    if (auto s = make_dirs(path.parent_path(), 0755); !s) return s;
  }
  // As for files: created with `mode` (narrowed by the umask), then set to exactly `mode` through
  // a descriptor of the directory just made, without touching the process-wide umask.
  if (::mkdir(path.c_str(), mode) != 0) {
    if (errno == EEXIST) return {};  // made by someone else meanwhile: left as it is
    return std::unexpected(io_error("create directory", path, errno));
  }
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir) return std::unexpected(io_error("open directory", path, errno));
  if (::fchmod(dir.get(), mode) != 0) return std::unexpected(io_error("chmod", path, errno));
  return {};
}

Status restrict_dir_mode(const stdfs::path& path, mode_t mode) {
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir) return std::unexpected(io_error("open directory", path, errno));
  struct stat st {};
  if (::fstat(dir.get(), &st) != 0) return std::unexpected(io_error("stat", path, errno));
  const mode_t current = st.st_mode & 07777;
  const mode_t wanted = current & (mode | ~mode_t{0777});
  if (wanted == current) return {};
  if (::fchmod(dir.get(), wanted) != 0) return std::unexpected(io_error("chmod", path, errno));
  return {};
}

Status remove_file(const stdfs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return std::unexpected(io_error("remove", path, errno));
  }
  return {};
}

Status remove_contents(const stdfs::path& dir) {
  std::error_code ec;
  stdfs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return {};
  if (ec) return std::unexpected(io_error("list", dir, ec.value()));
  // increment(ec), not ++: a directory changing underneath must not throw.
  for (stdfs::directory_iterator end; it != end; it.increment(ec)) {
    stdfs::path entry = it->path();
    stdfs::remove_all(entry, ec);
    if (ec) return std::unexpected(io_error("remove", entry, ec.value()));
  }
  if (ec) return std::unexpected(io_error("list", dir, ec.value()));
  return {};
}

Result<bool> dir_is_empty(const stdfs::path& dir) {
  std::error_code ec;
  stdfs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return true;
  if (ec) return std::unexpected(io_error("list", dir, ec.value()));
  return it == stdfs::directory_iterator();
}

Result<mode_t> file_mode(const stdfs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::unexpected(io_error("stat", path, errno));
  return st.st_mode & 07777;
}

Status check_writable_dir(const stdfs::path& dir) {
  stdfs::path p = dir;
  while (!p.empty()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        return std::unexpected(Error(ErrorKind::Io, p.string() + " is not a directory"));
      }
      if (::access(p.c_str(), W_OK | X_OK) != 0) {
        return std::unexpected(io_error("cannot write into", p, errno));
      }
      return {};
    }
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return {};
}

}  // namespace kadm::fs
