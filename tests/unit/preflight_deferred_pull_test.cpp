// preflight::DeferredPull on its own: groups are pulled in order on one thread, each awaited
// alone, and a run that stops starts no further group.
#include "preflight/deferred_pull.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>

using namespace kadm;
using namespace kadm::preflight;

TEST(DeferredPull, GroupsRunInOrderAndAStoppedRunStartsNoFurtherGroup) {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  std::vector<std::string> pulled;
  std::promise<void> first_started;
  DeferredPull d({{"a"}, {}, {"b"}},
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
                 });
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
