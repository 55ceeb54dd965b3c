// The batch writer (issue 13, "only the syncs needed"): every file of a batch is written to a temp
// file with its final mode and fsynced before anything is renamed; then all are renamed; then
// each directory is fsynced once. A failure leaves every target as it was (or, after a failed
// rename, the files renamed before it in place and durable) and no temp file behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <mutex>
#include <string>
#include <vector>

#include "common/fs.h"
#include "lib/temp_dir.h"
#include "plan/effects.h"

using namespace kadm;
namespace stdfs = std::filesystem;

// Spies on fsync(2) and rename(2) for the whole test binary while `g_recording` is set: the
// definitions here take precedence over the C library's for calls from kadm_core and forward
// to the system calls.
namespace {

struct SyscallEvent {
  enum Kind { FsyncFile, FsyncDir, Rename } kind;
  std::string path;  // the synced file or directory; the rename's target
  mode_t mode = 0;   // fsync of a file: its permission bits at that moment
};

std::atomic<bool> g_recording{false};
std::mutex g_mutex;
std::vector<SyscallEvent> g_events;

std::string fd_path(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link, buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

struct Recording {
  Recording() {
    std::lock_guard lock(g_mutex);
    g_events.clear();
    g_recording = true;
  }
  ~Recording() { g_recording = false; }
  std::vector<SyscallEvent> events() const {
    std::lock_guard lock(g_mutex);
    return g_events;
  }
};

}  // namespace

extern "C" int fsync(int fd) {
  if (g_recording) {
    struct stat st {};
    ::fstat(fd, &st);
    std::lock_guard lock(g_mutex);
    g_events.push_back({S_ISDIR(st.st_mode) ? SyscallEvent::FsyncDir : SyscallEvent::FsyncFile,
                        fd_path(fd), st.st_mode & 07777});
  }
  return static_cast<int>(::syscall(SYS_fsync, fd));
}

extern "C" int rename(const char* from, const char* to) noexcept {
  if (g_recording) {
    std::lock_guard lock(g_mutex);
    g_events.push_back({SyscallEvent::Rename, to, 0});
  }
  return static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 0));
}

namespace {

size_t count(const std::vector<SyscallEvent>& events, SyscallEvent::Kind kind) {
  size_t n = 0;
  for (const auto& e : events) n += e.kind == kind;
  return n;
}

size_t entries(const stdfs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(BatchWrite, SyncsEveryFileThenRenamesThenSyncsEachDirectoryOnce) {
  test::TempDir dir;
  const auto pki = dir.path() / "pki";
  const auto etcd = pki / "etcd";
  ASSERT_TRUE(fs::make_dirs(etcd, 0755));
  std::vector<fs::FileWrite> files{
      {pki / "ca.key", "ca key", 0600},
      {pki / "ca.crt", "ca cert", 0644},
      {etcd / "ca.key", "etcd key", 0600},
      {etcd / "ca.crt", "etcd cert", 0644},
  };
  std::vector<SyscallEvent> events;
  {
    Recording rec;
    auto s = fs::write_files_atomic(files);
    ASSERT_TRUE(s) << s.error().text();
    events = rec.events();
  }
  // 4 file syncs, 4 renames, 2 directory syncs (not 4): in that order.
  ASSERT_EQ(events.size(), 10u);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(events[i].kind, SyscallEvent::FsyncFile);
    // Synced under its temp name, already with its final mode (a key is never more open).
    EXPECT_NE(events[i].path.find(".tmp-"), std::string::npos);
    EXPECT_EQ(events[i].mode, files[i].mode);
    EXPECT_EQ(events[4 + i].kind, SyscallEvent::Rename);
    EXPECT_EQ(events[4 + i].path, files[i].path.string());
  }
  EXPECT_EQ(events[8].kind, SyscallEvent::FsyncDir);
  EXPECT_EQ(events[8].path, pki.string());
  EXPECT_EQ(events[9].kind, SyscallEvent::FsyncDir);
  EXPECT_EQ(events[9].path, etcd.string());
  for (const auto& f : files) {
    EXPECT_EQ(*fs::read_file(f.path), f.content);
    EXPECT_EQ(*fs::file_mode(f.path), f.mode);
  }
  EXPECT_EQ(entries(pki), 3u);  // ca.key, ca.crt, etcd: no temp file left
  EXPECT_EQ(entries(etcd), 2u);
}

// One file alone (write_file_atomic) keeps its two syncs: the file, then its directory.
TEST(BatchWrite, ASingleFileIsSyncedThenItsDirectory) {
  test::TempDir dir;
  Recording rec;
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "admin.conf", "conf", 0600));
  auto events = rec.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, SyscallEvent::FsyncFile);
  EXPECT_EQ(events[0].mode, 0600u);
  EXPECT_EQ(events[1].kind, SyscallEvent::Rename);
  EXPECT_EQ(events[2].kind, SyscallEvent::FsyncDir);
}

// A file that cannot be written: nothing is renamed, the old targets are untouched, no temp file
// is left.
TEST(BatchWrite, AFailedWriteRenamesNothing) {
  test::TempDir dir;
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "ca.key", "old key", 0600));
  std::vector<fs::FileWrite> files{
      {dir.path() / "ca.key", "new key", 0600},
      {dir.path() / "missing" / "ca.crt", "new cert", 0644},
  };
  Recording rec;
  auto s = fs::write_files_atomic(files);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Io);
  EXPECT_NE(s.error().text().find("missing"), std::string::npos);
  EXPECT_EQ(count(rec.events(), SyscallEvent::Rename), 0u);
  EXPECT_EQ(*fs::read_file(dir.path() / "ca.key"), "old key");
  EXPECT_EQ(entries(dir.path()), 1u);
}

// A rename that fails (the target is a non-empty directory): the files before it are in place
// and their directory is still synced; the files after it are not written; no temp file stays.
TEST(BatchWrite, AFailedRenameKeepsEarlierFilesDurableAndRemovesTheRest) {
  test::TempDir dir;
  ASSERT_TRUE(fs::make_dirs(dir.path() / "blocker" / "inside", 0755));
  std::vector<fs::FileWrite> files{
      {dir.path() / "first", "1", 0600},
      {dir.path() / "blocker", "2", 0600},
      {dir.path() / "third", "3", 0600},
  };
  Recording rec;
  auto s = fs::write_files_atomic(files);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("blocker"), std::string::npos);
  auto events = rec.events();
  EXPECT_EQ(count(events, SyscallEvent::FsyncFile), 3u);
  EXPECT_EQ(count(events, SyscallEvent::FsyncDir), 1u);
  EXPECT_EQ(*fs::read_file(dir.path() / "first"), "1");
  EXPECT_FALSE(*fs::exists(dir.path() / "third"));
  EXPECT_TRUE(stdfs::is_directory(dir.path() / "blocker"));
  EXPECT_EQ(entries(dir.path()), 2u);  // first, blocker
}

TEST(BatchWrite, TheSamePathTwiceIsRefusedBeforeAnythingIsWritten) {
  test::TempDir dir;
  std::vector<fs::FileWrite> files{{dir.path() / "a", "1", 0600}, {dir.path() / "a", "2", 0600}};
  auto s = fs::write_files_atomic(files);
  ASSERT_FALSE(s);
  EXPECT_EQ(entries(dir.path()), 0u);
}

// RealEffects::apply_all writes runs of WriteFiles as batches (the certs phase hands it a key and
// its certificate); other actions keep their place in the order.
TEST(BatchWrite, RealEffectsBatchesRunsOfWrites) {
  test::TempDir dir;
  const auto sub = dir.path() / "new" / "sub";
  std::vector<plan::Action> actions{
      plan::WriteFile{dir.path() / "a.key", "a", 0600, true},
      plan::WriteFile{dir.path() / "a.crt", "A", 0644, false},
      plan::WriteFile{sub / "b.key", "b", 0600, true},          // parent directories made first
      plan::WriteFile{dir.path() / "a.key", "a2", 0600, true},  // same path: a new batch
      plan::MakeDir{dir.path() / "d", 0700},
      plan::WriteFile{dir.path() / "d" / "c", "c", 0644, false},
  };
  plan::RealEffects effects;
  Recording rec;
  auto s = effects.apply_all(actions);
  ASSERT_TRUE(s) << s.error().text();
  auto events = rec.events();
  // Batch 1 (3 files, 2 dirs), then a.key again alone (1 + 1), then c alone (1 + 1).
  EXPECT_EQ(count(events, SyscallEvent::FsyncFile), 5u);
  EXPECT_EQ(count(events, SyscallEvent::FsyncDir), 4u);
  EXPECT_EQ(*fs::read_file(dir.path() / "a.key"), "a2");
  EXPECT_EQ(*fs::read_file(sub / "b.key"), "b");
  EXPECT_EQ(*fs::file_mode(sub / "b.key"), 0600u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "d"), 0700u);
  EXPECT_EQ(*fs::read_file(dir.path() / "d" / "c"), "c");
}

// A phase group holds its writes (RealEffects::hold_writes) and commits them as one batch: files
// appear only at the commit, with one sync per directory for the whole group; an action that is
// not a write, or a second write of a held path, commits what is held first, so the order of
// effects is kept.
TEST(BatchWrite, HeldWritesAppearTogetherAtTheCommit) {
  test::TempDir dir;
  const auto etcd = dir.path() / "etcd";
  plan::RealEffects effects;
  Recording rec;
  effects.hold_writes();
  for (const char* name : {"ca", "apiserver", "front-proxy-ca"}) {
    ASSERT_TRUE(effects.apply_all({
        plan::WriteFile{dir.path() / (std::string(name) + ".key"), "k", 0600, true},
        plan::WriteFile{dir.path() / (std::string(name) + ".crt"), "c", 0644, false},
    }));
  }
  ASSERT_TRUE(effects.apply(plan::WriteFile{etcd / "ca.key", "e", 0600, true}));
  EXPECT_EQ(entries(dir.path()), 0u) << "nothing is written before the commit";
  EXPECT_TRUE(rec.events().empty());
  auto s = effects.commit_writes();
  ASSERT_TRUE(s) << s.error().text();
  auto events = rec.events();
  EXPECT_EQ(count(events, SyscallEvent::FsyncFile), 7u);
  EXPECT_EQ(count(events, SyscallEvent::FsyncDir), 2u) << "one per directory for the group";
  EXPECT_EQ(count(events, SyscallEvent::Rename), 7u);
  EXPECT_EQ(*fs::read_file(etcd / "ca.key"), "e");
  EXPECT_EQ(*fs::file_mode(dir.path() / "apiserver.key"), 0600u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "apiserver.crt"), 0644u);
  // After the commit, writes happen at once again.
  ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "late", "l", 0644, false}));
  EXPECT_EQ(*fs::read_file(dir.path() / "late"), "l");
}

TEST(BatchWrite, OtherActionsAndRepeatedPathsCommitWhatIsHeldFirst) {
  test::TempDir dir;
  plan::RealEffects effects;
  effects.hold_writes();
  ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "a", "1", 0644, false}));
  ASSERT_TRUE(effects.apply(plan::MakeDir{dir.path() / "d", 0700}));
  EXPECT_EQ(*fs::read_file(dir.path() / "a"), "1") << "written before the directory was made";
  ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "b", "1", 0644, false}));
  ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "b", "2", 0644, false}));
  EXPECT_EQ(*fs::read_file(dir.path() / "b"), "1") << "the first write, committed by the second";
  ASSERT_TRUE(effects.commit_writes());
  EXPECT_EQ(*fs::read_file(dir.path() / "b"), "2");
}

TEST(BatchWrite, HeldWritesWithoutACommitAreNeverWritten) {
  test::TempDir dir;
  {
    plan::RealEffects effects;
    effects.hold_writes();
    ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "ca.key", "k", 0600, true}));
  }  // the run failed before its group's commit
  EXPECT_EQ(entries(dir.path()), 0u);
}

// with_held_writes: a body that fails leaves nothing written and nothing held, so the writes
// after it happen at once; one that succeeds is committed.
TEST(BatchWrite, AFailedGroupDiscardsItsWritesAndHoldsNoMore) {
  test::TempDir dir;
  plan::RealEffects effects;
  auto failed = plan::with_held_writes(effects, [&]() -> Status {
    KADM_TRY(effects.apply(plan::WriteFile{dir.path() / "ca.key", "k", 0600, true}));
    return fail("the next certificate could not be made");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(entries(dir.path()), 0u);
  ASSERT_TRUE(effects.apply(plan::WriteFile{dir.path() / "after", "a", 0644, false}));
  EXPECT_EQ(*fs::read_file(dir.path() / "after"), "a") << "written at once, not held";
  ASSERT_TRUE(plan::with_held_writes(effects, [&]() -> Status {
    return effects.apply(plan::WriteFile{dir.path() / "ca.crt", "c", 0644, false});
  }));
  EXPECT_EQ(*fs::read_file(dir.path() / "ca.crt"), "c");
}
