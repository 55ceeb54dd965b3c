#pragma once
// Time as a seam: retries and waits ask a Clock, so tests can run them without really sleeping.

#include <chrono>

#include "common/duration.h"

namespace kadm::apiclient {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  virtual void sleep_for(Duration d) = 0;
};

// steady_clock and std::this_thread::sleep_for.
Clock& real_clock();

}  // namespace kadm::apiclient
