// Join under overload: backoff with full jitter, Retry-After, the discovery deadline, transient
// failures never reported as a bad token, and the CSR watch with its polling fallback.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>

#include "apiclient/backoff.h"
#include "apiclient/curl_client.h"
#include "apiclient/wait.h"
#include "certs/pin.h"
#include "join/discovery.h"
#include "kubeconfig/kubeconfig_file.h"
#include "lib/fake_api_server.h"
#include "lib/fake_clock.h"
#include "lib/http_test_server.h"
#include "token/jws.h"

namespace kadm::join {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::HttpRequest;
using test::HttpResponse;
using test::HttpTestServer;

constexpr std::string_view kClusterInfoPath =
    "/api/v1/namespaces/kube-public/configmaps/cluster-info";
const token::TokenString kToken{"abcdef", "0123456789abcdef"};

std::string status_body(int code, const std::string& reason) {
  return json{{"kind", "Status"},
              {"status", "Failure"},
              {"reason", reason},
              {"code", code},
              {"message", reason}}
      .dump();
}

HttpResponse busy(int code, std::optional<int> retry_after_s) {
  auto r = HttpResponse::json(
      code, status_body(code, code == 429 ? "TooManyRequests" : "ServiceUnavailable"));
  if (retry_after_s) r.headers["Retry-After"] = std::to_string(*retry_after_s);
  return r;
}

// A cluster-info ConfigMap for `server` whose CA is the test server's, signed for kToken
// (or not, with `signed_for_token` false).
json cluster_info(const test::TestTls& tls, const std::string& server, bool signed_for_token) {
  std::string kubeconfig = kubeconfig::render({.cluster_name = "",
                                               .server = server,
                                               .ca_pem = tls.ca_pem,
                                               .user = "",
                                               .client_cert_pem = "",
                                               .client_key_pem = "",
                                               .token = ""});
  json cm;
  cm["data"]["kubeconfig"] = kubeconfig;
  if (signed_for_token) {
    cm["data"]["jws-kubeconfig-" + kToken.id] =
        token::detached_signature(kubeconfig, kToken.id, kToken.secret).value();
  }
  return cm;
}

config::BootstrapTokenDiscovery token_discovery(const std::string& endpoint,
                                                const test::TestTls& tls) {
  config::BootstrapTokenDiscovery d;
  d.token = kToken.id + "." + kToken.secret;
  d.api_server_endpoint = endpoint;
  d.ca_cert_hashes = {certs::public_key_pin(tls.ca_pem).value()};
  return d;
}

std::string endpoint_of(const HttpTestServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

DiscoveryOptions options(test::FakeClock& clock, Duration timeout) {
  DiscoveryOptions o;
  o.timeout = timeout;
  o.poll_interval = 500ms;
  o.backoff_max = 4s;
  o.signature_grace = 15s;
  o.clock = &clock;
  return o;
}

// Answers cluster-info requests with `script(n)` for the n-th request (0-based).
struct ScriptedClusterInfo {
  std::function<HttpResponse(int)> script;
  std::atomic<int> count{0};
  HttpTestServer::Handler handler() {
    return [this](const HttpRequest& r) {
      if (r.path != kClusterInfoPath) return HttpResponse::json(404, "{}");
      return script(count++);
    };
  }
};

TEST(Backoff, FullJitterStaysUnderAGrowingCappedCeiling) {
  apiclient::Backoff b({500ms, 2.0, 4s, true, 0}, 42);
  const std::vector<Duration> ceilings = {500ms, 1s, 2s, 4s, 4s, 4s};
  std::vector<Duration> got;
  for (auto c : ceilings) {
    EXPECT_EQ(b.ceiling(), c);
    got.push_back(b.next());
    EXPECT_GE(got.back(), 0ms);
    EXPECT_LE(got.back(), c);
  }
  // Jitter: the pauses are not simply the ceilings.
  EXPECT_NE(got, ceilings);
  b.reset();
  EXPECT_EQ(b.ceiling(), 500ms);
}

TEST(Backoff, RetryAfterIsALowerBound) {
  apiclient::Backoff full({1s, 2.0, 8s, true, 0}, 7);
  for (int i = 0; i < 20; ++i) {
    Duration ceiling = full.ceiling();
    Duration d = full.next(3s);
    EXPECT_GE(d, 3s);
    EXPECT_LE(d, 3s + ceiling);
  }
  apiclient::Backoff plain({1s, 2.0, 8s, false, 0}, 7);
  EXPECT_EQ(plain.next(3s), 3s);
  EXPECT_EQ(plain.next(), 2s);  // the ceiling grew past the Retry-After pause too
}

// Many waiters with the same history do not come back in step.
TEST(Backoff, DifferentClientsSpreadOut) {
  std::set<Duration::rep> firsts;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    apiclient::Backoff b({2s, 2.0, 8s, true, 0}, seed);
    firsts.insert(b.next(1s).count());
  }
  EXPECT_GT(firsts.size(), 40u);
}

TEST(CurlClientOverload, FullJitterWaitsAndRetryAfter) {
  std::atomic<int> count{0};
  HttpTestServer server([&](const HttpRequest&) {
    int n = count++;
    if (n < 4) return busy(503, std::nullopt);
    if (n == 4) return busy(429, 2);
    return HttpResponse::json(200, R"({"ok":true})");
  });
  test::FakeClock clock;
  apiclient::CurlClientOptions o;
  o.clock = &clock;
  o.retry.full_jitter = true;
  o.retry.initial_backoff = 400ms;
  o.retry.max_backoff = 1600ms;
  apiclient::Kubeconfig kc;
  kc.source = "test";
  kc.server = server.url();
  auto client = apiclient::CurlClient::from_kubeconfig(kc, o).value();
  ASSERT_TRUE(client->get("/x"));
  const std::vector<Duration> ceilings = {400ms, 800ms, 1600ms, 1600ms};
  ASSERT_EQ(clock.sleeps().size(), 5u);
  for (size_t i = 0; i < ceilings.size(); ++i) EXPECT_LE(clock.sleeps()[i], ceilings[i]) << i;
  EXPECT_GE(clock.sleeps()[4], 2s);
  EXPECT_LE(clock.sleeps()[4], 2s + 1600ms);
}

TEST(JoinDiscoveryOverload, HonoursRetryAfterThenSucceeds) {
  auto tls = test::make_test_tls();
  ScriptedClusterInfo s;
  HttpTestServer server(s.handler(), tls);
  s.script = [&](int n) {
    if (n < 2) return busy(429, 3);
    return HttpResponse::json(200, cluster_info(tls, server.url(), true).dump());
  };
  test::FakeClock clock;
  auto r = discover_with_token(token_discovery(endpoint_of(server), tls), options(clock, 60s));
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(r->ca_pem, tls.ca_pem);
  ASSERT_EQ(clock.sleeps().size(), 2u);
  for (auto d : clock.sleeps()) {
    EXPECT_GE(d, 3s);  // never sooner than the server asked
    EXPECT_LE(d, 3s + 1s);
  }
}

TEST(JoinDiscoveryOverload, BacksOffWithJitterOn503) {
  auto tls = test::make_test_tls();
  ScriptedClusterInfo s;
  HttpTestServer server(s.handler(), tls);
  s.script = [&](int n) {
    if (n < 6) return busy(503, std::nullopt);
    return HttpResponse::json(200, cluster_info(tls, server.url(), true).dump());
  };
  test::FakeClock clock;
  auto r = discover_with_token(token_discovery(endpoint_of(server), tls), options(clock, 60s));
  ASSERT_TRUE(r.has_value()) << r.error().text();
  const std::vector<Duration> ceilings = {500ms, 1s, 2s, 4s, 4s, 4s};
  ASSERT_EQ(clock.sleeps().size(), ceilings.size());
  for (size_t i = 0; i < ceilings.size(); ++i) EXPECT_LE(clock.sleeps()[i], ceilings[i]) << i;
  EXPECT_NE(clock.sleeps(), ceilings);
}

// An API server that stays overloaded for the whole discovery timeout: a Timeout that says so,
// within the deadline, and nothing about the token being invalid.
TEST(JoinDiscoveryOverload, OverloadUntilTheDeadlineIsATimeoutNotABadToken) {
  for (auto [code, retry] : {std::pair{429, std::optional<int>(1)}, {503, std::nullopt}}) {
    auto tls = test::make_test_tls();
    ScriptedClusterInfo s;
    s.script = [code, retry](int) { return busy(code, retry); };
    HttpTestServer server(s.handler(), tls);
    test::FakeClock clock;
    const auto start = clock.now();
    auto r = discover_with_token(token_discovery(endpoint_of(server), tls), options(clock, 20s));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::Timeout) << r.error().text();
    EXPECT_NE(r.error().text().find("overloaded"), std::string::npos) << r.error().text();
    EXPECT_EQ(r.error().text().find("invalid"), std::string::npos) << r.error().text();
    EXPECT_LE(clock.now() - start, 20s);
    EXPECT_GT(s.count.load(), 3);
  }
}

TEST(JoinDiscoveryOverload, RefusedConnectionsAreATimeoutNotABadToken) {
  auto tls = test::make_test_tls();
  test::FakeClock clock;
  auto d = token_discovery("127.0.0.1:" + std::to_string(test::unused_port()), tls);
  auto r = discover_with_token(d, options(clock, 10s));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout) << r.error().text();
  EXPECT_NE(r.error().text().find("refused the connection"), std::string::npos) << r.error().text();
  EXPECT_EQ(r.error().text().find("invalid"), std::string::npos) << r.error().text();
}

// The signature grace runs from the first cluster-info read: 20 s and more of 429s (longer
// than the 15 s grace) and then a few unsigned answers still end in success once the signer
// catches up.
TEST(JoinDiscoveryOverload, SignatureGraceStartsWithTheFirstAnswer) {
  auto tls = test::make_test_tls();
  ScriptedClusterInfo s;
  HttpTestServer server(s.handler(), tls);
  s.script = [&](int n) {
    if (n < 10) return busy(429, 2);
    return HttpResponse::json(200, cluster_info(tls, server.url(), n >= 13).dump());
  };
  test::FakeClock clock;
  auto r = discover_with_token(token_discovery(endpoint_of(server), tls), options(clock, 120s));
  ASSERT_TRUE(r.has_value()) << r.error().text();

  // A token the cluster really does not know is still reported, after the grace.
  ScriptedClusterInfo never;
  HttpTestServer unsigned_server(never.handler(), tls);
  never.script = [&](int n) {
    if (n < 3) return busy(503, 2);
    return HttpResponse::json(200, cluster_info(tls, unsigned_server.url(), false).dump());
  };
  test::FakeClock clock2;
  auto bad = discover_with_token(token_discovery(endpoint_of(unsigned_server), tls),
                                 options(clock2, 120s));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().text().find("invalid for this cluster"), std::string::npos)
      << bad.error().text();
}

// --- the CSR watch -------------------------------------------------------------------------

constexpr std::string_view kCsrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

json csr(const std::string& rv, bool issued) {
  json o = {{"metadata", {{"name", "node-csr-1"}, {"resourceVersion", rv}}},
            {"status", json::object()}};
  if (issued) o["status"]["certificate"] = "Y2VydA==";
  return o;
}

bool issued(const json& o) { return o.contains("status") && o["status"].contains("certificate"); }

std::string events(std::initializer_list<std::pair<std::string, json>> list) {
  std::string out;
  for (const auto& [type, obj] : list) out += json{{"type", type}, {"object", obj}}.dump() + "\n";
  return out;
}

std::unique_ptr<apiclient::CurlClient> plain_client(const HttpTestServer& s, test::FakeClock& c) {
  apiclient::CurlClientOptions o;
  o.clock = &c;
  apiclient::Kubeconfig kc;
  kc.source = "test";
  kc.server = s.url();
  return apiclient::CurlClient::from_kubeconfig(kc, o).value();
}

apiclient::WatchWaitOptions watch_options(test::FakeClock& clock, Duration timeout) {
  apiclient::WatchWaitOptions o;
  o.timeout = timeout;
  o.clock = &clock;
  o.what = "the CSR";
  return o;
}

// Waits (300 s on `clock`) for node-csr-1 to be issued, through a plain client of `server`.
apiclient::ApiResult<json> wait_for_issued_csr(const HttpTestServer& server,
                                               test::FakeClock& clock) {
  auto client = plain_client(server, clock);
  return apiclient::watch_for_object(*client, kCsrs, "node-csr-1", issued,
                                     watch_options(clock, 300s));
}

TEST(CsrWatch, OneReadThenOneWatchFromItsResourceVersion) {
  HttpTestServer server([](const HttpRequest& r) {
    if (r.path == std::string(kCsrs) + "/node-csr-1")
      return HttpResponse::json(200, csr("5", false).dump());
    if (r.path.find("watch=1") != std::string::npos) {
      auto resp = HttpResponse::json(
          200, events({{"MODIFIED", csr("6", false)}, {"MODIFIED", csr("7", true)}}));
      resp.close_delimited = true;
      return resp;
    }
    return HttpResponse::json(404, "{}");
  });
  test::FakeClock clock;
  auto got = wait_for_issued_csr(server, clock);
  ASSERT_TRUE(got.has_value()) << got.error().text();
  EXPECT_EQ((*got)["metadata"]["resourceVersion"], "7");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].method, "GET");
  EXPECT_NE(reqs[1].path.find("fieldSelector=metadata.name%3Dnode-csr-1"), std::string::npos);
  EXPECT_NE(reqs[1].path.find("resourceVersion=5"), std::string::npos);
  EXPECT_NE(reqs[1].path.find("timeoutSeconds=60"), std::string::npos);
  EXPECT_TRUE(clock.sleeps().empty());
}

// A watch refused (500), then one that reports 410 Gone: the object is read again after a
// jittered pause, and the answer found by that read ends the wait.
TEST(CsrWatch, BrokenWatchesFallBackToReadsWithPauses) {
  std::atomic<int> reads{0}, watches{0};
  HttpTestServer server([&](const HttpRequest& r) {
    if (r.path.find("watch=1") != std::string::npos) {
      if (watches++ == 0) return busy(500, std::nullopt);
      auto resp = HttpResponse::json(
          200, events({{"ERROR", json{{"kind", "Status"}, {"code", 410}, {"reason", "Gone"}}}}));
      resp.close_delimited = true;
      return resp;
    }
    int n = reads++;
    return HttpResponse::json(200, csr(std::to_string(n + 1), n >= 2).dump());
  });
  test::FakeClock clock;
  auto got = wait_for_issued_csr(server, clock);
  ASSERT_TRUE(got.has_value()) << got.error().text();
  EXPECT_EQ(reads.load(), 3);
  EXPECT_EQ(watches.load(), 2);
  ASSERT_EQ(clock.sleeps().size(), 2u);
  EXPECT_LE(clock.sleeps()[0], 1s);
  EXPECT_LE(clock.sleeps()[1], 2s);
}

// A client that cannot stream (a test fake, a dry run) is polled slowly, never watched, and the
// wait ends with a Timeout naming what it waited for.
TEST(CsrWatch, ClientsWithoutWatchArePolledUntilTheTimeout) {
  test::FakeApiServer api;
  api.put(std::string(kCsrs) + "/node-csr-1", csr("1", false));
  test::FakeClock clock;
  auto got =
      apiclient::watch_for_object(api, kCsrs, "node-csr-1", issued, watch_options(clock, 30s));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(got.error().text().find("the CSR"), std::string::npos) << got.error().text();
  for (auto d : clock.sleeps()) EXPECT_LE(d, 5s);
  // Slow polls: far fewer reads than the old 250 ms loop (120 in 30 s).
  EXPECT_LT(api.requests.size(), 40u);
  EXPECT_GT(api.requests.size(), 5u);
  for (const auto& r : api.requests) EXPECT_EQ(r.path.find("watch"), std::string::npos);
}

// An object not there yet (a Node its kubelet has still to register): the collection is read
// with the same selector and watched from its resourceVersion, so the creation ends the wait
// without a pause.
TEST(CsrWatch, AnObjectNotYetThereIsWatchedFromItsCollectionsVersion) {
  const std::string list_path = std::string(kCsrs) + "?fieldSelector=metadata.name%3Dnode-csr-1";
  HttpTestServer server([&](const HttpRequest& r) {
    if (r.path == list_path) {
      return HttpResponse::json(
          200,
          json{{"kind", "List"}, {"metadata", {{"resourceVersion", "9"}}}, {"items", json::array()}}
              .dump());
    }
    if (r.path.find("watch=1") != std::string::npos) {
      auto resp = HttpResponse::json(200, events({{"ADDED", csr("10", true)}}));
      resp.close_delimited = true;
      return resp;
    }
    return HttpResponse::json(404, status_body(404, "NotFound"));
  });
  test::FakeClock clock;
  auto got = wait_for_issued_csr(server, clock);
  ASSERT_TRUE(got.has_value()) << got.error().text();
  EXPECT_EQ((*got)["metadata"]["resourceVersion"], "10");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].path, list_path);
  EXPECT_NE(reqs[2].path.find("watch=1"), std::string::npos);
  EXPECT_NE(reqs[2].path.find("resourceVersion=9"), std::string::npos);
  EXPECT_TRUE(clock.sleeps().empty());
}

// Created between the read and the list: the list's item ends the wait.
TEST(CsrWatch, AnObjectCreatedBeforeTheListIsTakenFromIt) {
  HttpTestServer server([&](const HttpRequest& r) {
    if (r.path.find("fieldSelector") != std::string::npos &&
        r.path.find("watch=1") == std::string::npos) {
      return HttpResponse::json(200, json{{"kind", "List"},
                                          {"metadata", {{"resourceVersion", "11"}}},
                                          {"items", json::array({csr("11", true)})}}
                                         .dump());
    }
    return HttpResponse::json(404, status_body(404, "NotFound"));
  });
  test::FakeClock clock;
  auto got = wait_for_issued_csr(server, clock);
  ASSERT_TRUE(got.has_value()) << got.error().text();
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(CsrWatch, OverloadedReadsHonourRetryAfter) {
  std::atomic<int> reads{0};
  HttpTestServer server([&](const HttpRequest& r) {
    if (r.path.find("watch=1") != std::string::npos) return busy(429, 4);
    if (reads++ < 1) return busy(429, 4);
    return HttpResponse::json(200, csr("3", true).dump());
  });
  test::FakeClock clock;
  apiclient::CurlClientOptions o;
  o.clock = &clock;
  o.retry.max_attempts = 1;  // the wait's own pauses, not the client's retries
  apiclient::Kubeconfig kc;
  kc.source = "test";
  kc.server = server.url();
  auto client = apiclient::CurlClient::from_kubeconfig(kc, o).value();
  auto got =
      apiclient::watch_for_object(*client, kCsrs, "node-csr-1", issued, watch_options(clock, 300s));
  ASSERT_TRUE(got.has_value()) << got.error().text();
  ASSERT_EQ(clock.sleeps().size(), 1u);
  EXPECT_GE(clock.sleeps()[0], 4s);
}

}  // namespace
}  // namespace kadm::join
