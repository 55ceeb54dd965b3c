#pragma once
// Filesystem access that never throws and never leaves half-written files.
//
// write_file_atomic: the temp file is created in the target's directory with its final mode
// (O_CREAT|O_EXCL with `mode`, then fchmod to exactly `mode`; the process umask is never
// changed), so a private key is 0600 from its first byte; then write, fsync, rename over the
// target, fsync the directory.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::fs {

namespace stdfs = std::filesystem;

// Numeric owner of a file (a system user's ids, e.g. the etcd user's).
struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
  bool operator==(const Owner&) const = default;
};

// With an owner, the temp file is given to it (fchown) before it is written, so the target
// never exists with another owner.
Status write_file_atomic(const stdfs::path& path, std::string_view content, mode_t mode,
                         std::optional<Owner> owner = std::nullopt);

// One file of a batch for write_files_atomic.
struct FileWrite {
  stdfs::path path;
  std::string_view content;
  mode_t mode = 0644;
  std::optional<Owner> owner{};
};
// Several files with write_file_atomic's guarantees and fewer syncs: every temp file is created
// with its final mode, written and fsynced; only then are they renamed over their targets, in
// order; then each directory that got a file is fsynced once (not once per file). After a crash
// each target is either its old self or complete and synced, never partial. If a temp file
// cannot be written, nothing is renamed and every temp file is removed; if a rename fails, the
// files renamed before it stay (their directories are still synced) and the rest are removed.
// The same path twice in one batch is refused.
Status write_files_atomic(const std::vector<FileWrite>& files);
Result<std::string> read_file(const stdfs::path& path);
Result<bool> exists(const stdfs::path& path);
// Creates the directory and missing parents with `mode` (existing ones are left as they are).
Status make_dirs(const stdfs::path& path, mode_t mode);
// Takes away the permission bits of directory `path` that `mode` lacks (never adds any): a
// directory made 0755 by someone else ends 0700 for mode 0700. Refuses a symlink.
Status restrict_dir_mode(const stdfs::path& path, mode_t mode);
// Gives directory `path` to `owner` (not recursive). Refuses a symlink.
Status chown_dir(const stdfs::path& path, Owner owner);
// The owner of `path` (not following a final symlink); nullopt when it does not exist.
Result<std::optional<Owner>> owner_of(const stdfs::path& path);
// Removes a file; a missing file is not an error.
Status remove_file(const stdfs::path& path);
// Removes an empty directory; a missing one is not an error, a non-empty one (or a file) is.
Status remove_empty_dir(const stdfs::path& dir);
// Removes everything inside `dir`, leaving `dir` itself.
Status remove_contents(const stdfs::path& dir);
Result<bool> dir_is_empty(const stdfs::path& dir);
Result<mode_t> file_mode(const stdfs::path& path);
// Checks that `dir` (or its nearest existing ancestor) accepts new files, without writing any.
Status check_writable_dir(const stdfs::path& dir);

std::string errno_text(int err);

}  // namespace kadm::fs
