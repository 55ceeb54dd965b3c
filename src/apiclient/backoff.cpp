#include "apiclient/backoff.h"

#include <algorithm>

namespace kadm::apiclient {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed)
    : m_policy(policy), m_ceiling(policy.initial), m_rng(seed) {}

Duration Backoff::uniform(Duration lo, Duration hi) {
  if (hi <= lo) return lo;
  std::uniform_int_distribution<Duration::rep> dist(lo.count(), hi.count());
  return Duration(dist(m_rng));
}

Duration Backoff::next(std::optional<Duration> server_wait) {
  const Duration ceiling = m_ceiling;
  m_ceiling =
      std::min(std::chrono::duration_cast<Duration>(m_ceiling * m_policy.multiplier), m_policy.max);
  m_ceiling = std::max(m_ceiling, Duration{1});
  if (m_policy.full_jitter) {
    Duration spread = uniform(Duration::zero(), ceiling);
    return server_wait ? *server_wait + spread : spread;
  }
  if (server_wait) return *server_wait;
  if (m_policy.jitter <= 0) return ceiling;
  auto extra = static_cast<Duration::rep>(static_cast<double>(ceiling.count()) * m_policy.jitter);
  // [0, jitter * ceiling): the upper end excluded, as before.
  return ceiling + (extra > 0 ? uniform(Duration::zero(), Duration(extra - 1)) : Duration::zero());
}

}  // namespace kadm::apiclient
