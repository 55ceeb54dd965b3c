// plan::UndoableEffects over real files in a temporary directory: what init did while the images
// its control plane starts from were pulled is taken back when that pull fails (issue 13).
#include "plan/undoable_effects.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "lib/temp_dir.h"

using namespace kadm;
using namespace kadm::plan;

namespace {

UndoableEffects over_real_files() { return UndoableEffects(std::make_unique<RealEffects>()); }

bool present(const std::filesystem::path& p) { return *fs::exists(p); }

}  // namespace

TEST(UndoableEffects, TakesBackNewFilesNewDirectoriesAndOverwrites) {
  test::TempDir dir;
  const auto kept = dir.path() / "etc" / "old.conf";
  ASSERT_TRUE(fs::make_dirs(kept.parent_path(), 0755));
  ASSERT_TRUE(fs::write_file_atomic(kept, "old\n", 0640));
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(WriteFile{kept, "new\n", 0600}));
  ASSERT_TRUE(e.apply(WriteFile{dir.path() / "etc" / "pki" / "etcd" / "ca.key", "k", 0600, true}));
  ASSERT_TRUE(e.apply(MakeDir{dir.path() / "etc" / "manifests", 0700}));
  ASSERT_TRUE(e.apply(MakeDir{dir.path() / "var" / "lib" / "kubelet", 0700}));
  // The kubelet's own files in a directory the run made: that directory stays, with them.
  ASSERT_TRUE(
      fs::write_file_atomic(dir.path() / "var" / "lib" / "kubelet" / "cpu_state", "x", 0644));

  EXPECT_EQ(e.undo(), std::vector<std::string>{});
  EXPECT_EQ(*fs::read_file(kept), "old\n");
  EXPECT_EQ(*fs::file_mode(kept), 0640u);
  EXPECT_FALSE(present(dir.path() / "etc" / "pki"));
  EXPECT_FALSE(present(dir.path() / "etc" / "manifests"));
  EXPECT_TRUE(present(dir.path() / "etc"));
  EXPECT_TRUE(present(dir.path() / "var" / "lib" / "kubelet" / "cpu_state"));
}

TEST(UndoableEffects, HeldWritesAreDroppedAndKeptWritesStay) {
  test::TempDir dir;
  auto e = over_real_files();
  e.hold_writes();
  ASSERT_TRUE(e.apply(WriteFile{dir.path() / "pki" / "ca.crt", "c", 0644}));
  EXPECT_EQ(e.undo(), std::vector<std::string>{});
  EXPECT_TRUE(e.commit_writes());
  EXPECT_FALSE(present(dir.path() / "pki"));

  auto k = over_real_files();
  ASSERT_TRUE(k.apply(WriteFile{dir.path() / "a", "a", 0644}));
  k.keep();
  ASSERT_TRUE(k.apply(WriteFile{dir.path() / "b", "b", 0644}));  // no longer remembered
  EXPECT_EQ(k.undo(), std::vector<std::string>{});
  EXPECT_TRUE(present(dir.path() / "a"));
  EXPECT_TRUE(present(dir.path() / "b"));
}

TEST(UndoableEffects, CommandsRunTheirUndoAndWhatHasNoWayBackIsNamed) {
  test::TempDir dir;
  const auto stopped = dir.path() / "stopped";
  const auto gone = dir.path() / "gone";
  ASSERT_TRUE(fs::write_file_atomic(gone, "g", 0644));
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(RunCommand{{"true"}, "start it", {"touch", stopped.string()}}));
  ASSERT_TRUE(e.apply(RunCommand{{"true"}, "make it stricter"}));
  ASSERT_TRUE(e.apply(RemoveFile{gone}));
  EXPECT_FALSE(present(stopped));
  EXPECT_EQ(e.undo(), std::vector<std::string>{"remove " + gone.string()});
  EXPECT_TRUE(present(stopped));
}

TEST(UndoableEffects, AFailedStepIsReportedAndTheRestStillTakenBack) {
  test::TempDir dir;
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(WriteFile{dir.path() / "new", "n", 0644}));
  ASSERT_TRUE(e.apply(RunCommand{{"true"}, "start it", {"false"}}));
  auto left = e.undo();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].find("run false"), std::string::npos) << left[0];
  EXPECT_FALSE(present(dir.path() / "new"));
}

// What a started process wrote (the kubelet: its client certificate in /var/lib/kubelet/pki) goes
// when its start is taken back; what was there before it ran stays.
TEST(UndoableEffects, WhatTheStartedProcessWroteGoesWithIt) {
  test::TempDir dir;
  const auto state = dir.path() / "kubelet";
  ASSERT_TRUE(fs::make_dirs(state / "pki", 0700));
  ASSERT_TRUE(fs::write_file_atomic(state / "pki" / "kubelet.crt", "old", 0644));
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(RunCommand{{"true"}, "start it", {"true"}, state}));
  ASSERT_TRUE(fs::write_file_atomic(state / "pki" / "kubelet-client-1.pem", "new", 0600));
  std::filesystem::create_symlink(state / "pki" / "kubelet-client-1.pem",
                                  state / "pki" / "kubelet-client-current.pem");
  ASSERT_TRUE(fs::make_dirs(state / "plugins" / "registry", 0750));
  ASSERT_TRUE(fs::write_file_atomic(state / "cpu_manager_state", "{}", 0644));

  EXPECT_EQ(e.undo(), std::vector<std::string>{});
  EXPECT_TRUE(present(state / "pki" / "kubelet.crt"));
  EXPECT_FALSE(present(state / "pki" / "kubelet-client-1.pem"));
  EXPECT_FALSE(present(state / "pki" / "kubelet-client-current.pem"));
  EXPECT_FALSE(present(state / "plugins"));
  EXPECT_FALSE(present(state / "cpu_manager_state"));
}

// etcd's pod: the data directory made, the manifest written, then the pod writes on its own. Its
// step runs before the manifest's and the directory's are taken back, and what appeared in the
// directory since it was listed goes with it, so the directory is empty when its turn comes.
TEST(UndoableEffects, ARememberedStepRunsInItsPlaceAndCleansWhatAppeared) {
  test::TempDir dir;
  const auto data = dir.path() / "var" / "lib" / "etcd";
  const auto manifest = dir.path() / "manifests" / "etcd.yaml";
  ASSERT_TRUE(fs::make_dirs(data.parent_path(), 0755));
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(MakeDir{data, 0700}));
  auto before = UndoableEffects::list_tree(data);
  ASSERT_TRUE(e.apply(WriteFile{manifest, "pod", 0600}));
  std::vector<std::string> seen;
  e.remember_step(
      "take back the pod",
      [&](Effects&) -> Status {
        seen.push_back(present(manifest) ? "manifest still there" : "manifest gone");
        return {};
      },
      data, before);
  ASSERT_TRUE(fs::make_dirs(data / "member" / "wal", 0700));
  ASSERT_TRUE(fs::write_file_atomic(data / "member" / "wal" / "0.wal", "w", 0600));

  EXPECT_EQ(e.undo(), std::vector<std::string>{});
  // Newest first: the step was remembered after the manifest was written.
  EXPECT_EQ(seen, std::vector<std::string>{"manifest still there"});
  EXPECT_FALSE(present(manifest));
  EXPECT_FALSE(present(data));
  EXPECT_TRUE(present(dir.path() / "var" / "lib"));
}

TEST(UndoableEffects, AFailedStepIsReportedAndItsDirectoryStays) {
  test::TempDir dir;
  const auto data = dir.path() / "etcd";
  auto e = over_real_files();
  ASSERT_TRUE(e.apply(MakeDir{data, 0700}));
  e.remember_step(
      "take back the pod", [](Effects&) -> Status { return fail("the runtime is gone"); }, data,
      UndoableEffects::list_tree(data));
  ASSERT_TRUE(fs::write_file_atomic(data / "db", "d", 0600));
  auto left = e.undo();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].find("take back the pod: the runtime is gone"), std::string::npos) << left[0];
  // Not cleaned while its pod may still write there; the directory stays with it.
  EXPECT_TRUE(present(data / "db"));

  auto kept = over_real_files();
  bool ran = false;
  kept.remember_step("never", [&](Effects&) -> Status {
    ran = true;
    return {};
  });
  kept.keep();
  kept.remember_step("after keep", [&](Effects&) -> Status {
    ran = true;
    return {};
  });
  EXPECT_EQ(kept.undo(), std::vector<std::string>{});
  EXPECT_FALSE(ran);
}
