#include "join/discovery_deadline.h"

#include <algorithm>

namespace kadm::join {

DiscoveryDeadline::DiscoveryDeadline(apiclient::Clock& clock, Duration timeout,
                                     Duration attempt_cap)
    : m_clock(clock),
      m_timeout(timeout),
      m_attempt_cap(attempt_cap),
      m_end(clock.now() + timeout) {}

Duration DiscoveryDeadline::remaining() const {
  auto left = std::chrono::duration_cast<Duration>(m_end - m_clock.now());
  return std::max(left, Duration::zero());
}

Duration DiscoveryDeadline::attempt_timeout() const {
  return std::max(std::min(remaining(), m_attempt_cap), Duration{1});
}

bool DiscoveryDeadline::pause_before_retry(Duration interval) {
  Duration left = remaining();
  if (left <= Duration::zero()) return false;
  m_clock.sleep_for(std::min(interval, left));
  return !expired();
}

}  // namespace kadm::join
