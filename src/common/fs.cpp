#include "common/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

stdfs::path dir_of(const stdfs::path& path) {
  stdfs::path dir = path.parent_path();
  return dir.empty() ? stdfs::path(".") : dir;
}

// Removes a temp file unless disarmed (its rename succeeded).
class TempFile {
 public:
  explicit TempFile(stdfs::path p) : m_path(std::move(p)) {}
  TempFile(TempFile&& o) noexcept : m_path(std::move(o.m_path)), m_armed(o.m_armed) {
    o.m_armed = false;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (m_armed) ::unlink(m_path.c_str());
  }
  const stdfs::path& path() const { return m_path; }
  void disarm() { m_armed = false; }

 private:
  stdfs::path m_path;
  bool m_armed = true;
};

// A temp file written but not yet synced: its descriptor stays open until synced.
struct PendingTemp {
  TempFile file;
  UniqueFd fd;
};

// Creates the hidden temp file next to `path` with exactly `mode` and writes `content`, then
// asks the kernel to start writing it out (so the fsyncs of a batch overlap). The result removes
// the file when dropped, unless disarmed after the rename.
Result<PendingTemp> write_temp(const stdfs::path& path, std::string_view content, mode_t mode,
                               std::optional<Owner> owner) {
  stdfs::path dir = dir_of(path);
  // Hidden ("." first): the kubelet loads every non-hidden file of the manifests directory and
  // must never see a half-written one.
  TempFile tmp(dir / ("." + path.filename().string() + temp_suffix()));
  // A process killed between creating its temp file and the rename leaves it behind (never
  // the target: that is either the old or the new content). The next write removes it.
  remove_stale_temps(dir, path.filename().string());

  // Created with `mode` (the umask can only take bits away, so the file is never more open than
  // `mode`), then set to exactly `mode` on the descriptor. The process-wide umask is left alone:
  // other threads create files at the same time.
  UniqueFd fd(
      ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) {
    tmp.disarm();  // not ours: O_EXCL failed or nothing was created
    return std::unexpected(io_error("create", tmp.path(), errno));
  }
  if (::fchmod(fd.get(), mode) != 0) return std::unexpected(io_error("chmod", tmp.path(), errno));
  if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0) {
    return std::unexpected(io_error("chown", tmp.path(), errno));
  }

  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd.get(), data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("write", tmp.path(), errno));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  // Only a hint (fsync below is what makes it durable): start the write-out now.
  (void)::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
  return PendingTemp{std::move(tmp), std::move(fd)};
}

}  // namespace

Status write_files_atomic(const std::vector<FileWrite>& files) {
  for (size_t i = 0; i < files.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (files[j].path == files[i].path) {
        return fail(ErrorKind::Io,
                    "the same file twice in one batch of writes: " + files[i].path.string());
      }
    }
  }
  // 1. Every temp file written, then each synced and closed; the first failure removes them
  // all and renames nothing.
  std::vector<PendingTemp> temps;
  temps.reserve(files.size());
  for (const auto& f : files)
    temps.push_back(KADM_TRY(write_temp(f.path, f.content, f.mode, f.owner)));
  for (auto& t : temps) {
    if (::fsync(t.fd.get()) != 0) return std::unexpected(io_error("fsync", t.file.path(), errno));
    if (::close(t.fd.release()) != 0) {
      return std::unexpected(io_error("close", t.file.path(), errno));
    }
  }
  // 2. Renamed in order. 3. Each directory synced once, even after a failed rename (the files
  // renamed before it are in place and must be durable).
  std::vector<stdfs::path> dirs;
  Status renamed;
  for (size_t i = 0; i < files.size(); ++i) {
    if (::rename(temps[i].file.path().c_str(), files[i].path.c_str()) != 0) {
      renamed = std::unexpected(
          io_error("rename to " + files[i].path.string() + " from", temps[i].file.path(), errno));
      break;
    }
    temps[i].file.disarm();
    stdfs::path dir = dir_of(files[i].path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(std::move(dir));
  }
  for (const auto& dir : dirs) {
    if (auto s = fsync_dir(dir); !s && renamed) renamed = std::move(s);
  }
  return renamed;
}

Status write_file_atomic(const stdfs::path& path, std::string_view content, mode_t mode,
                         std::optional<Owner> owner) {
  return write_files_atomic({FileWrite{path, content, mode, owner}});
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

Status chown_dir(const stdfs::path& path, Owner owner) {
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir) return std::unexpected(io_error("open directory", path, errno));
  if (::fchown(dir.get(), owner.uid, owner.gid) != 0) {
    return std::unexpected(io_error("chown", path, errno));
  }
  return {};
}

Result<std::optional<Owner>> owner_of(const stdfs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return Owner{st.st_uid, st.st_gid};
  if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
  return std::unexpected(io_error("stat", path, errno));
}

Status remove_file(const stdfs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return std::unexpected(io_error("remove", path, errno));
  }
  return {};
}

Status remove_empty_dir(const stdfs::path& dir) {
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    return std::unexpected(io_error("remove", dir, errno));
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
