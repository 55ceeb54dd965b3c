// The key pool (issue 13, "start early"): keys queued at the start of a run are made on worker
// threads and taken in any order; a key no worker has started is made by the caller instead of
// waiting; stopping drops the queue and joins the workers; the phases queue exactly the keys the
// run will make. A fake generator (fast ECDSA keys, counted, optionally held back) keeps the
// tests deterministic.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "certs/key_pool.h"
#include "certs/keys.h"
#include "certs/phase.h"
#include "certs/pki_state.h"
#include "common/fs.h"
#include "kubeconfig/phase.h"
#include "lib/temp_dir.h"
#include "plan/effects.h"

using namespace kadm;
using config::EncryptionAlgorithm;

namespace {

// Counts calls and the threads they ran on; holds every call back while `held` is set.
struct FakeGenerator {
  std::mutex mutex;
  std::condition_variable cv;
  bool held = false;
  int calls = 0;
  int waiting = 0;  // calls currently held back
  std::set<std::thread::id> threads;
  std::vector<EncryptionAlgorithm> algorithms;
  bool fail = false;

  certs::KeyGenerator fn() {
    return [this](EncryptionAlgorithm a) -> Result<certs::UniqueEvpPkey> {
      {
        std::unique_lock lock(mutex);
        ++calls;
        threads.insert(std::this_thread::get_id());
        algorithms.push_back(a);
        ++waiting;
        cv.notify_all();
        cv.wait(lock, [this] { return !held; });
        --waiting;
        if (fail) return kadm::fail(ErrorKind::Tls, "generator failed");
      }
      // Always a real (fast) key, so callers can use it.
      return certs::generate_key(EncryptionAlgorithm::ECDSAP256);
    };
  }
  void hold() {
    std::lock_guard lock(mutex);
    held = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      held = false;
    }
    cv.notify_all();
  }
  // Waits until `n` calls are held back.
  void wait_waiting(int n) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return waiting >= n; });
  }
  int call_count() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

}  // namespace

TEST(KeyPool, QueuedKeysAreMadeOnWorkersAndTakenInAnyOrder) {
  FakeGenerator gen;
  certs::KeyPool pool(gen.fn(), 2);
  EXPECT_EQ(pool.workers(), 0u);  // no thread before the first request
  gen.hold();
  for (const char* id : {"a", "b", "c", "d"}) pool.start(id, EncryptionAlgorithm::ECDSAP256);
  EXPECT_EQ(pool.workers(), 2u);  // capped at the thread count
  gen.wait_waiting(2);            // both workers are making a key, off this thread
  pool.start("a", EncryptionAlgorithm::ECDSAP256);  // already there: nothing more
  gen.release();
  for (const char* id : {"d", "b", "a", "c"}) {
    auto key = pool.take(id, EncryptionAlgorithm::ECDSAP256);
    ASSERT_TRUE(key) << key.error().text();
    EXPECT_NE(key->get(), nullptr);
    EXPECT_FALSE(pool.has(id));
  }
  EXPECT_EQ(gen.call_count(), 4);
  std::lock_guard lock(gen.mutex);
  std::set<std::thread::id> workers = gen.threads;
  workers.erase(std::this_thread::get_id());
  EXPECT_EQ(workers.size(), 2u);
}

TEST(KeyPool, AKeyNoWorkerStartedIsMadeByTheCallerWithoutWaiting) {
  FakeGenerator gen;
  certs::KeyPool pool(gen.fn(), 1);
  gen.hold();
  pool.start("slow", EncryptionAlgorithm::ECDSAP256);
  gen.wait_waiting(1);  // the only worker is busy with "slow"
  pool.start("next", EncryptionAlgorithm::ECDSAP256);
  EXPECT_TRUE(pool.has("next"));
  // "next" is still queued: take() makes it here. Let this thread's call through at once.
  std::thread releaser([&] {
    gen.wait_waiting(2);
    gen.release();
  });
  auto key = pool.take("next", EncryptionAlgorithm::ECDSAP256);
  releaser.join();
  ASSERT_TRUE(key);
  auto slow = pool.take("slow", EncryptionAlgorithm::ECDSAP256);
  ASSERT_TRUE(slow);
  EXPECT_EQ(gen.call_count(), 2);
  std::lock_guard lock(gen.mutex);
  EXPECT_TRUE(gen.threads.contains(std::this_thread::get_id()));
}

TEST(KeyPool, UnknownIdsAndOtherAlgorithmsGetAFreshKey) {
  FakeGenerator gen;
  certs::KeyPool pool(gen.fn(), 1);
  gen.hold();
  pool.start("a", EncryptionAlgorithm::RSA2048);
  gen.wait_waiting(1);  // a worker is making it (a queued one would be made as asked instead)
  gen.release();
  auto key = pool.take("a", EncryptionAlgorithm::ECDSAP384);
  ASSERT_TRUE(key);
  auto other = pool.take("never-queued", EncryptionAlgorithm::ECDSAP256);
  ASSERT_TRUE(other);
  std::lock_guard lock(gen.mutex);
  ASSERT_EQ(gen.algorithms.size(), 3u);
  EXPECT_EQ(gen.algorithms[0], EncryptionAlgorithm::RSA2048);
  EXPECT_EQ(gen.algorithms[1], EncryptionAlgorithm::ECDSAP384);
  EXPECT_EQ(gen.algorithms[2], EncryptionAlgorithm::ECDSAP256);
}

TEST(KeyPool, GeneratorErrorsReachTheTaker) {
  FakeGenerator gen;
  gen.fail = true;
  certs::KeyPool pool(gen.fn(), 1);
  pool.start("a", EncryptionAlgorithm::ECDSAP256);
  auto key = pool.take("a", EncryptionAlgorithm::ECDSAP256);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().text().find("generator failed"), std::string::npos);
}

// A run that fails or is cancelled: the queued keys are never made and every worker is joined
// after the key it is making (no thread outlives the pool; ASan/TSan runs see no leak).
TEST(KeyPool, StopDropsTheQueueAndJoinsTheWorkers) {
  FakeGenerator gen;
  auto pool = std::make_unique<certs::KeyPool>(gen.fn(), 2);
  gen.hold();
  for (int i = 0; i < 8; ++i) pool->start("k" + std::to_string(i), EncryptionAlgorithm::ECDSAP256);
  gen.wait_waiting(2);  // both workers busy
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gen.release();
  });
  pool->stop();  // blocks until the two keys in progress are done
  releaser.join();
  EXPECT_EQ(pool->workers(), 0u);
  EXPECT_EQ(gen.call_count(), 2);
  EXPECT_FALSE(pool->has("k7"));
  pool->start("late", EncryptionAlgorithm::ECDSAP256);  // ignored after stop
  EXPECT_EQ(pool->workers(), 0u);
  auto key = pool->take("late", EncryptionAlgorithm::ECDSAP256);  // still works, inline
  EXPECT_TRUE(key);
  pool.reset();
  EXPECT_EQ(gen.call_count(), 3);
}

TEST(KeyPool, DestructionWithUntakenKeysDoesNotHang) {
  FakeGenerator gen;
  {
    certs::KeyPool pool(gen.fn(), 2);
    for (int i = 0; i < 6; ++i) pool.start("k" + std::to_string(i), EncryptionAlgorithm::ECDSAP256);
  }
  EXPECT_LE(gen.call_count(), 6);
}

TEST(KeyPool, DefaultThreadsFollowTheCpusThisProcessMayUse) {
  EXPECT_GE(certs::KeyPool::default_threads(), 1u);
}

namespace {

config::InitConfiguration cfg_in(const std::filesystem::path& pki) {
  config::InitConfiguration cfg;
  cfg.node_registration.name = "node1";
  cfg.local_api_endpoint.advertise_address = "10.0.0.10";
  cfg.local_api_endpoint.bind_port = 6443;
  cfg.cluster.networking.service_subnet = "10.96.0.0/12";
  cfg.cluster.networking.dns_domain = "cluster.local";
  cfg.cluster.certificates_dir = pki.string();
  cfg.cluster.cluster_name = "kubernetes";
  cfg.cluster.encryption_algorithm = EncryptionAlgorithm::ECDSAP256;
  cfg.cluster.etcd.local = config::LocalEtcd{};
  return cfg;
}

}  // namespace

// Start early queues exactly the keys the run will make: none for files on disk, none for leaves
// of an external CA (certificate without its key), none for a kubeconfig that exists.
TEST(KeyPool, PrepareQueuesOnlyKeysTheRunWillMake) {
  test::TempDir dir;
  auto pki = dir.path() / "pki";
  auto cfg = cfg_in(pki);
  {
    FakeGenerator gen;
    certs::PkiState state(certs::Clock::now(), gen.fn());
    certs::prepare_cert_key("ca", cfg, state);
    certs::prepare_cert_key("apiserver", cfg, state);
    certs::prepare_cert_key("sa", cfg, state);
    kubeconfig::prepare_kubeconfig_key("admin", cfg, dir.path(), state);
    EXPECT_TRUE(state.key_queued("ca"));
    EXPECT_TRUE(state.key_queued("apiserver"));
    EXPECT_TRUE(state.key_queued("sa"));
    EXPECT_TRUE(state.key_queued("kubeconfig/admin.conf"));
  }
  // A real run writes the CA; then ca, sa and the admin kubeconfig are on disk.
  {
    certs::PkiState state;
    plan::RealEffects effects;
    ASSERT_TRUE(certs::run_cert_phase("ca", cfg, state, effects));
    ASSERT_TRUE(certs::run_cert_phase("sa", cfg, state, effects));
    ASSERT_TRUE(fs::write_file_atomic(dir.path() / "admin.conf", "x", 0600));
  }
  {
    FakeGenerator gen;
    certs::PkiState state(certs::Clock::now(), gen.fn());
    certs::prepare_cert_key("ca", cfg, state);
    certs::prepare_cert_key("sa", cfg, state);
    certs::prepare_cert_key("apiserver", cfg, state);
    kubeconfig::prepare_kubeconfig_key("admin", cfg, dir.path(), state);
    kubeconfig::prepare_kubeconfig_key("scheduler", cfg, dir.path(), state);
    EXPECT_FALSE(state.key_queued("ca"));
    EXPECT_FALSE(state.key_queued("sa"));
    EXPECT_TRUE(state.key_queued("apiserver"));
    EXPECT_FALSE(state.key_queued("kubeconfig/admin.conf"));
    EXPECT_TRUE(state.key_queued("kubeconfig/scheduler.conf"));
  }
  // External CA: ca.crt without ca.key signs nothing here.
  ASSERT_TRUE(fs::remove_file(pki / "ca.key"));
  {
    FakeGenerator gen;
    certs::PkiState state(certs::Clock::now(), gen.fn());
    certs::prepare_cert_key("apiserver", cfg, state);
    certs::prepare_cert_key("front-proxy-client", cfg, state);
    kubeconfig::prepare_kubeconfig_key("scheduler", cfg, dir.path(), state);
    EXPECT_FALSE(state.key_queued("apiserver"));
    EXPECT_TRUE(state.key_queued("front-proxy-client"));  // its CA is made in this run
    EXPECT_FALSE(state.key_queued("kubeconfig/scheduler.conf"));
  }
  // External etcd: no etcd rows.
  {
    auto external = cfg;
    external.cluster.etcd.local.reset();
    external.cluster.etcd.external = config::ExternalEtcd{};
    external.cluster.etcd.external->endpoints = {"https://10.0.0.20:2379"};
    FakeGenerator gen;
    certs::PkiState state(certs::Clock::now(), gen.fn());
    certs::prepare_cert_key("etcd-ca", external, state);
    certs::prepare_cert_key("etcd-server", external, state);
    EXPECT_FALSE(state.key_queued("etcd/ca"));
    EXPECT_FALSE(state.key_queued("etcd/server"));
  }
}

// The phases take the pool's keys: a whole certs run with a counting generator makes one key per
// row, all of them through the pool.
TEST(KeyPool, CertsPhaseTakesEveryKeyFromThePool) {
  test::TempDir dir;
  auto cfg = cfg_in(dir.path() / "pki");
  FakeGenerator gen;
  certs::PkiState state(certs::Clock::now(), gen.fn());
  plan::RecordingEffects effects;
  ASSERT_TRUE(certs::run_all_certs(cfg, state, effects));
  EXPECT_EQ(gen.call_count(), 11);  // 3 CAs, 7 leaves, sa
  size_t keys = 0;
  for (const auto& a : effects.actions) {
    if (const auto* w = std::get_if<plan::WriteFile>(&a); w && w->path.extension() == ".key") {
      EXPECT_EQ(w->mode, 0600u);
      EXPECT_TRUE(w->sensitive);
      ++keys;
    }
  }
  EXPECT_EQ(keys, 11u);
}
