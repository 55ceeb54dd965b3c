#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "lib/temp_dir.h"

using namespace kadm;

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
