#include "certs/key_pool.h"

#include <sched.h>

#include <exception>

#include "certs/keys.h"
#include "config/encryption_algorithm.h"

namespace kadm::certs {

unsigned KeyPool::default_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? n : 1;
}

KeyPool::KeyPool(KeyGenerator generator, unsigned threads)
    : m_generator(std::move(generator)), m_max_threads(threads > 0 ? threads : default_threads()) {}

KeyPool::~KeyPool() { stop(); }

Result<UniqueEvpPkey> KeyPool::generate(config::EncryptionAlgorithm algorithm) const {
  try {
    return m_generator ? m_generator(algorithm) : generate_key(algorithm);
  } catch (const std::exception& e) {
    return fail(ErrorKind::Tls, std::string("generate ") +
                                    std::string(config::encryption_algorithm_name(algorithm)) +
                                    " key: " + e.what());
  }
}

void KeyPool::start(const std::string& id, config::EncryptionAlgorithm algorithm) {
  std::lock_guard lock(m_mutex);
  if (m_stopped || m_entries.contains(id)) return;
  Job job{algorithm, {}};
  m_entries.emplace(id, Entry{algorithm, job.promise.get_future(), true});
  m_jobs.emplace(id, std::move(job));
  m_queue.push_back(id);
  if (m_threads.size() < m_max_threads && m_threads.size() < m_queue.size()) {
    try {
      m_threads.emplace_back([this](std::stop_token stop) { work(stop); });
    } catch (const std::system_error&) {
      // No thread to be had: take() makes queued keys on the caller's thread.
    }
  }
  m_wake.notify_one();
}

void KeyPool::work(std::stop_token stop) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (!m_wake.wait(lock, stop, [this] { return !m_queue.empty(); })) return;
    std::string id = std::move(m_queue.front());
    m_queue.pop_front();
    auto node = m_jobs.extract(id);
    if (auto it = m_entries.find(id); it != m_entries.end()) it->second.queued = false;
    lock.unlock();
    node.mapped().promise.set_value(generate(node.mapped().algorithm));
    lock.lock();
  }
}

Result<UniqueEvpPkey> KeyPool::take(const std::string& id, config::EncryptionAlgorithm algorithm) {
  std::unique_lock lock(m_mutex);
  auto it = m_entries.find(id);
  if (it == m_entries.end()) {
    lock.unlock();
    return generate(algorithm);
  }
  Entry entry = std::move(it->second);
  m_entries.erase(it);
  if (entry.queued) {
    // No worker has started it: make it here rather than wait behind the keys queued before it.
    std::erase(m_queue, id);
    m_jobs.erase(id);
    lock.unlock();
    return generate(algorithm);
  }
  lock.unlock();
  auto key = entry.key.get();  // blocks only while a worker is still making it
  if (entry.algorithm != algorithm) return generate(algorithm);
  return key;
}

void KeyPool::stop() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    for (const auto& id : m_queue) m_entries.erase(id);
    m_queue.clear();
    m_jobs.clear();
    threads = std::move(m_threads);
    m_threads.clear();
  }
  for (auto& t : threads) t.request_stop();
  m_wake.notify_all();
  threads.clear();  // joins: each worker returns after the key it is making
}

bool KeyPool::has(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  return m_entries.contains(id);
}

size_t KeyPool::workers() const {
  std::lock_guard lock(m_mutex);
  return m_threads.size();
}

}  // namespace kadm::certs
