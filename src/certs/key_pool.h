#pragma once
// Private keys made ahead of use on a few worker threads (issue 13, "start early").
//
// A run knows every key it will need before its first phase (cert table + kubeconfig table +
// config, minus what is on disk), so it queues them all at once; the phases take them in any
// order. take() blocks only while that key is still being made, and makes a key that no worker
// has started yet on the caller's own thread instead of waiting behind the others.
//
// Workers are std::jthreads started on the first request (none for commands that need no key),
// one per CPU this process may run on, sleeping on a condition variable when the queue is empty.
// Destruction (or stop()) drops the queued keys and joins the workers after the key each one is
// making, so no thread outlives the pool, whether the run succeeded, failed or was cancelled.
// Keys never leave the pool except through take(); nothing here logs key material.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "certs/openssl_ptr.h"
#include "common/error.h"
#include "config/types.h"

namespace kadm::certs {

// Makes one key; generate_key by default. Tests pass a fake (deterministic, counting, failing).
using KeyGenerator = std::function<Result<UniqueEvpPkey>(config::EncryptionAlgorithm)>;

class KeyPool {
 public:
  // threads == 0: one per CPU in this process's affinity mask.
  explicit KeyPool(KeyGenerator generator = {}, unsigned threads = 0);
  ~KeyPool();
  KeyPool(const KeyPool&) = delete;
  KeyPool& operator=(const KeyPool&) = delete;

  // Queues a key for `id` (no-op when `id` is already queued, being made or ready).
  void start(const std::string& id, config::EncryptionAlgorithm algorithm);
  // The key queued for `id` when it has `algorithm`; otherwise (not queued, other algorithm) a
  // key made now on the calling thread. An id is taken once.
  Result<UniqueEvpPkey> take(const std::string& id, config::EncryptionAlgorithm algorithm);
  // Drops the queued keys and joins the workers (after the keys they are making). Idempotent.
  void stop();

  // Whether a key for `id` is queued, being made or ready (not taken yet).
  bool has(const std::string& id) const;
  // For tests and diagnostics: how many worker threads are running now.
  size_t workers() const;
  // The worker count the pool uses when asked for 0 threads.
  static unsigned default_threads();

 private:
  struct Job {
    config::EncryptionAlgorithm algorithm;
    std::promise<Result<UniqueEvpPkey>> promise;
  };
  struct Entry {
    config::EncryptionAlgorithm algorithm;
    std::future<Result<UniqueEvpPkey>> key;
    bool queued = true;  // still in m_queue: no worker has picked it up
  };
  void work(std::stop_token stop);
  Result<UniqueEvpPkey> generate(config::EncryptionAlgorithm algorithm) const;

  KeyGenerator m_generator;
  unsigned m_max_threads;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_wake;
  std::deque<std::string> m_queue;         // ids in request order
  std::map<std::string, Job> m_jobs;       // queued ids → their promise
  std::map<std::string, Entry> m_entries;  // every id not taken yet
  bool m_stopped = false;
  std::vector<std::jthread> m_threads;  // last: joined first on destruction
};

}  // namespace kadm::certs
