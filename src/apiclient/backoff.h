#pragma once
// Pauses between attempts: exponential backoff with jitter, never shorter than what the server
// asked for (Retry-After). "Full jitter" draws each pause uniformly from [0, ceiling], so many
// clients that failed together (an overloaded API server answering 429 to a join storm) come
// back spread out instead of in waves.

#include <cstdint>
#include <optional>
#include <random>

#include "common/duration.h"

namespace kadm::apiclient {

struct BackoffPolicy {
  Duration initial{500};  // the first ceiling
  double multiplier = 2.0;
  Duration max{8000};  // the largest ceiling
  // true: pause = uniform[0, ceiling]. false: pause = ceiling + uniform[0, jitter * ceiling).
  bool full_jitter = true;
  double jitter = 0.2;
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());

  // The next pause, and the ceiling grows. With `server_wait` (Retry-After) the pause is that
  // wait plus the jitter part (uniform[0, ceiling] in full-jitter mode, none otherwise), so it is
  // never shorter than the server asked.
  Duration next(std::optional<Duration> server_wait = std::nullopt);
  Duration ceiling() const { return m_ceiling; }
  void reset() { m_ceiling = m_policy.initial; }

 private:
  Duration uniform(Duration lo, Duration hi);

  BackoffPolicy m_policy;
  Duration m_ceiling;
  std::mt19937_64 m_rng;
};

}  // namespace kadm::apiclient
