#pragma once
// The time budget of discovery (timeouts.discovery). Every network attempt and every pause
// between attempts is cut to what is left, so discovery ends within its timeout even when the
// endpoint swallows packets and each attempt would otherwise run its full length.

#include "apiclient/clock.h"
#include "common/duration.h"

namespace kadm::join {

class DiscoveryDeadline {
 public:
  // `attempt_cap` bounds one attempt so a slow answer leaves room for retries.
  DiscoveryDeadline(apiclient::Clock& clock, Duration timeout, Duration attempt_cap);

  Duration remaining() const;
  bool expired() const { return remaining() <= Duration::zero(); }
  // min(remaining, attempt cap), at least 1 ms (a zero curl timeout would mean "no timeout").
  Duration attempt_timeout() const;
  // Sleeps min(interval, remaining). False when no time is left for another attempt.
  bool pause_before_retry(Duration interval);
  Duration timeout() const { return m_timeout; }

 private:
  apiclient::Clock& m_clock;
  Duration m_timeout;
  Duration m_attempt_cap;
  apiclient::Clock::TimePoint m_end;
};

}  // namespace kadm::join
