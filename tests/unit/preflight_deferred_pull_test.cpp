// preflight::DeferredPull on its own: groups are pulled in order on one thread, each awaited
// alone, and a run that stops starts no further group.
#include "preflight/deferred_pull.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

using namespace kadm;
using namespace kadm::preflight;

TEST(DeferredPull, GroupsRunInOrderAndAStoppedRunStartsNoFurtherGroup) {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  std::vector<std::string> pulled;
  std::promise<void> first_started;
  DeferredPull d(
      {{{"a"}}, {}, {{"b"}}},
      [&](const std::vector<std::string>& images, std::ostream& out, Report& report) {
        if (images[0] == "a") {
          first_started.set_value();
          std::unique_lock lock(mu);
          // Bounded, so a test that went wrong fails instead of hanging.
          cv.wait_for(lock, std::chrono::seconds(20), [&] { return released; });
        }
        std::lock_guard lock(mu);
        pulled.push_back(images[0]);
        out << "pulled " << images[0] << "\n";
        report.results.push_back({});
      },
      "the hint");
  first_started.get_future().wait();
  d.stop();
  {
    std::lock_guard lock(mu);
    released = true;
  }
  cv.notify_all();
  std::ostringstream out;
  EXPECT_TRUE(d.wait(0, out));
  EXPECT_EQ(out.str(), "pulled a\n");
  auto later = d.wait(2, out);
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().text(), "pulling b: stopped before it began");
  EXPECT_TRUE(d.wait(1, out));  // an empty group needs no pull
  std::lock_guard lock(mu);
  EXPECT_EQ(pulled, std::vector<std::string>{"a"});
}

// An on_release group (init's addon images) begins only once released, or once awaited when no
// one released it; stopping wakes a pull still waiting for its release.
TEST(DeferredPull, AnOnReleaseGroupBeginsWhenReleasedOrAwaited) {
  std::mutex mu;
  std::vector<std::string> pulled;
  std::condition_variable cv;
  auto record = [&](const std::vector<std::string>& images, std::ostream&, Report&) {
    std::lock_guard lock(mu);
    pulled.push_back(images[0]);
    cv.notify_all();
  };
  auto pulled_now = [&] {
    std::lock_guard lock(mu);
    return pulled;
  };
  {
    DeferredPull d({{{"a"}}, {{"b"}, true}, {{"c"}}}, record, "the hint");
    std::ostringstream out;
    ASSERT_TRUE(d.wait(0, out));
    // Given time, the thread would have begun "b" by now if it did not wait for its release.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(pulled_now(), std::vector<std::string>{"a"});
    d.release(1);
    {
      std::unique_lock lock(mu);
      ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return pulled.size() == 3; }));
    }
    EXPECT_EQ(pulled_now(), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(d.wait(2, out));
  }
  pulled.clear();
  {
    DeferredPull d({{{"a"}}, {{"b"}, true}}, record, "the hint");
    std::ostringstream out;
    EXPECT_TRUE(d.wait(1, out));  // nobody released it: awaiting it is enough
    EXPECT_EQ(pulled_now(), (std::vector<std::string>{"a", "b"}));
  }
  pulled.clear();
  {
    DeferredPull d({{{"a"}}, {{"b"}, true}}, record, "the hint");
    std::ostringstream out;
    ASSERT_TRUE(d.wait(0, out));
  }  // the destructor stops the run: were a held group deaf to that, it would hang here
  EXPECT_EQ(pulled_now(), std::vector<std::string>{"a"});
}

// A group's own failure hint (init's first group, whose failure takes the run back) replaces the
// pull's; a group index past the last names an empty group.
TEST(DeferredPull, AFailedGroupEndsWithItsOwnHintOrThePulls) {
  auto fail_all = [](const std::vector<std::string>&, std::ostream&, Report& report) {
    report.fatal = true;
  };
  DeferredPull d({{{"a"}, false, "its own hint"}, {{"b"}}}, fail_all, "the hint");
  std::ostringstream out;
  auto first = d.wait(0, out);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind(), ErrorKind::Preflight);
  EXPECT_EQ(first.error().text(),
            "pulling a in the background: preflight checks failed (its own hint)");
  auto second = d.wait(1, out);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().text(),
            "pulling b in the background: preflight checks failed (the hint)");
  EXPECT_TRUE(d.images(7).empty());
  EXPECT_TRUE(d.wait(7, out));
}
