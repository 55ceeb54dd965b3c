#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "common/fs.h"
#include "lib/temp_dir.h"
#include "plan/effects.h"

using namespace kadm;

// A spy on umask(2) for the whole test binary: the definition here takes precedence over the C
// library's for calls from kadm_core, and forwards to the system call.
namespace {
std::atomic<int> g_umask_calls{0};
}
extern "C" mode_t umask(mode_t mask) noexcept {
  g_umask_calls.fetch_add(1);
  return static_cast<mode_t>(::syscall(SYS_umask, mask));
}

// The umask is process-wide: flipping it while other threads create files (keys are generated
// and written in parallel) would give their files the wrong mode. Files and directories get
// their exact mode without it, even under a restrictive umask.
TEST(AtomicWrite, ExactModesWithoutTouchingTheProcessUmask) {
  test::TempDir dir;
  const mode_t saved = umask(0077);
  const int before = g_umask_calls.load();
  auto path = dir.path() / "etc" / "manifests" / "pod.yaml";
  ASSERT_TRUE(fs::make_dirs(path.parent_path(), 0755));
  ASSERT_TRUE(fs::write_file_atomic(path, "x", 0644));
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "key", "k", 0600));
  const int calls = g_umask_calls.load() - before;
  umask(saved);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(*fs::file_mode(path), 0644u);
  EXPECT_EQ(*fs::file_mode(path.parent_path()), 0755u);
  EXPECT_EQ(*fs::file_mode(path.parent_path().parent_path()), 0755u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "key"), 0600u);
}

TEST(AtomicWrite, CreatesWithExactModeAndContent) {
  test::TempDir dir;
  auto path = dir.path() / "sub" / "key.pem";
  ASSERT_TRUE(fs::make_dirs(path.parent_path(), 0700));
  ASSERT_TRUE(fs::write_file_atomic(path, "secret", 0600));
  EXPECT_EQ(*fs::file_mode(path), 0600u);
  EXPECT_EQ(*fs::read_file(path), "secret");
  ASSERT_TRUE(fs::write_file_atomic(path, "replaced", 0644));
  EXPECT_EQ(*fs::read_file(path), "replaced");
  EXPECT_EQ(*fs::file_mode(path), 0644u);
  // No temp files are left behind.
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(path.parent_path())) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST(AtomicWrite, FailsCleanlyInMissingDirectory) {
  test::TempDir dir;
  auto r = fs::write_file_atomic(dir.path() / "missing" / "f", "x", 0600);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::Io);
  EXPECT_NE(r.error().text().find("missing"), std::string::npos);
}

TEST(Fs, RemoveContentsKeepsDirectory) {
  test::TempDir dir;
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "a", "1", 0600));
  ASSERT_TRUE(fs::make_dirs(dir.path() / "b" / "c", 0700));
  ASSERT_TRUE(fs::remove_contents(dir.path()));
  EXPECT_TRUE(*fs::dir_is_empty(dir.path()));
  EXPECT_TRUE(std::filesystem::exists(dir.path()));
}

// CIS 1.1.11: an etcd data directory someone made 0755 ends 0700; bits are only taken away.
TEST(Fs, RestrictDirModeTakesBitsAwayNeverAddsThem) {
  test::TempDir dir;
  auto open_dir = dir.path() / "etcd";
  ASSERT_EQ(::mkdir(open_dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(open_dir.c_str(), 0755), 0);
  ASSERT_TRUE(fs::restrict_dir_mode(open_dir, 0700));
  EXPECT_EQ(*fs::file_mode(open_dir), 0700u);

  auto narrow = dir.path() / "narrow";
  ASSERT_EQ(::mkdir(narrow.c_str(), 0500), 0);
  ASSERT_EQ(::chmod(narrow.c_str(), 0500), 0);
  ASSERT_TRUE(fs::restrict_dir_mode(narrow, 0700));
  EXPECT_EQ(*fs::file_mode(narrow), 0500u);  // not widened to 0700

  auto link = dir.path() / "link";
  ASSERT_EQ(::symlink(open_dir.c_str(), link.c_str()), 0);
  EXPECT_FALSE(fs::restrict_dir_mode(link, 0700));  // never through a symlink
  EXPECT_FALSE(fs::restrict_dir_mode(dir.path() / "missing", 0700));
}

// MakeDir through RealEffects: a new directory gets the mode; an existing one is restricted only
// when the action asks for it.
TEST(Fs, RealEffectsMakeDirRestrictsExistingOnlyWhenAsked) {
  test::TempDir dir;
  auto kept = dir.path() / "kept";
  auto restricted = dir.path() / "restricted";
  for (const auto& p : {kept, restricted}) {
    ASSERT_EQ(::mkdir(p.c_str(), 0755), 0);
    ASSERT_EQ(::chmod(p.c_str(), 0755), 0);
  }
  plan::RealEffects effects;
  ASSERT_TRUE(effects.apply(plan::MakeDir{kept, 0700}));
  ASSERT_TRUE(effects.apply(plan::MakeDir{restricted, 0700, true}));
  ASSERT_TRUE(effects.apply(plan::MakeDir{dir.path() / "new" / "etcd", 0700, true}));
  EXPECT_EQ(*fs::file_mode(kept), 0755u);
  EXPECT_EQ(*fs::file_mode(restricted), 0700u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "new" / "etcd"), 0700u);
  EXPECT_EQ(*fs::file_mode(dir.path() / "new"), 0755u);
}

// A write killed before its rename leaves a hidden temp file; the next write of that file
// removes it, and leaves other files (and other files' temps) alone.
TEST(AtomicWrite, NextWriteRemovesATempLeftByAKilledWrite) {
  test::TempDir dir;
  auto stale = dir.path() / ".ca.key.tmp-abcdefghij";
  auto other_temp = dir.path() / ".sa.key.tmp-abcdefghij";
  auto lookalike = dir.path() / ".ca.key.tmp-short";
  for (const auto& p : {stale, other_temp, lookalike}) {
    ASSERT_TRUE(fs::write_file_atomic(p, "half a key", 0600));
  }
  ASSERT_TRUE(fs::write_file_atomic(dir.path() / "ca.key", "whole key", 0600));
  EXPECT_FALSE(*fs::exists(stale));
  EXPECT_TRUE(*fs::exists(other_temp));
  EXPECT_TRUE(*fs::exists(lookalike));
  EXPECT_EQ(*fs::read_file(dir.path() / "ca.key"), "whole key");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 3u);  // ca.key, the other file's temp, the look-alike
}
