#pragma once
// A Clock whose sleeps return at once and only move its own time forward; records each sleep.

#include <vector>

#include "apiclient/clock.h"

namespace kadm::test {

class FakeClock final : public apiclient::Clock {
 public:
  TimePoint now() override { return m_now; }
  void sleep_for(Duration d) override {
    m_sleeps.push_back(d);
    m_now += d;
  }
  void advance(Duration d) { m_now += d; }
  const std::vector<Duration>& sleeps() const { return m_sleeps; }

 private:
  TimePoint m_now{};
  std::vector<Duration> m_sleeps;
};

}  // namespace kadm::test
