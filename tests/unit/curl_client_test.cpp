#include "apiclient/curl_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <sstream>

#include "apiclient/objects.h"
#include "apiclient/wait.h"
#include "clusterobjects/rbac.h"
#include "clusterobjects/token_secrets.h"
#include "common/log.h"
#include "common/strings.h"
#include "lib/fake_clock.h"
#include "lib/http_test_server.h"
#include "token/token_secret.h"

namespace kadm::apiclient {

// Moved out of apiclient; the tests still drive them over the test server.
using clusterobjects::create_or_update_token_secret;
using clusterobjects::create_token_secret;
using clusterobjects::delete_token_secret;
using clusterobjects::list_bootstrap_token_secrets;
using clusterobjects::make_cluster_role;
using clusterobjects::make_cluster_role_binding;
using clusterobjects::make_role;
using clusterobjects::make_role_binding;

namespace {

using namespace std::chrono_literals;
using test::HttpRequest;
using test::HttpResponse;
using test::HttpTestServer;

std::string status_body(int code, const std::string& reason, const std::string& message) {
  return json{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
              {"reason", reason}, {"code", code},       {"message", message}}
      .dump();
}

CurlClientOptions fast_options(test::FakeClock* clock) {
  CurlClientOptions o;
  o.clock = clock;
  o.request_timeout = 2s;
  o.retry.jitter = 0;
  o.retry.initial_backoff = 500ms;
  o.retry.max_backoff = 4s;
  o.retry.total_deadline = 60s;
  return o;
}

std::unique_ptr<CurlClient> client_for(const std::string& url, CurlClientOptions o) {
  Kubeconfig kc;
  kc.source = "test";
  kc.server = url;
  return CurlClient::from_kubeconfig(kc, o).value();
}

// A client with a bearer token for an https test server made with `tls`.
std::unique_ptr<CurlClient> bearer_client_for(const HttpTestServer& server,
                                              const test::TestTls& tls, CurlClientOptions o) {
  Kubeconfig kc;
  kc.source = "test";
  kc.server = server.url();
  kc.ca_pem = tls.ca_pem;
  kc.token = "abcdef.0123456789abcdef";
  return CurlClient::from_kubeconfig(kc, o).value();
}

// Fails the first `failures` requests with `failure`, then answers 200 {"ok":true}.
HttpTestServer::Handler flaky(int failures, HttpResponse failure, std::atomic<int>& count) {
  return [failures, failure, &count](const HttpRequest&) {
    if (count++ < failures) return failure;
    return HttpResponse::json(200, R"({"ok":true})");
  };
}

TEST(CurlClient, RetriesServiceUnavailableWithExponentialBackoff) {
  std::atomic<int> count{0};
  HttpTestServer server(
      flaky(3, HttpResponse::json(503, status_body(503, "ServiceUnavailable", "x")), count));
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  auto r = client->get("/api/v1/namespaces");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ((*r)["ok"], true);
  EXPECT_EQ(count.load(), 4);
  EXPECT_EQ(clock.sleeps(), (std::vector<Duration>{500ms, 1000ms, 2000ms}));
}

TEST(CurlClient, BackoffIsCappedAndJitterStaysInRange) {
  std::atomic<int> count{0};
  HttpTestServer server(flaky(5, HttpResponse::json(500, "{}"), count));
  test::FakeClock clock;
  auto o = fast_options(&clock);
  o.retry.jitter = 0.5;
  o.retry.max_backoff = 2s;
  auto client = client_for(server.url(), o);
  ASSERT_TRUE(client->get("/x"));
  const std::vector<Duration> base = {500ms, 1000ms, 2000ms, 2000ms, 2000ms};
  ASSERT_EQ(clock.sleeps().size(), base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    EXPECT_GE(clock.sleeps()[i], base[i]);
    EXPECT_LT(clock.sleeps()[i], base[i] * 3 / 2);
  }
}

TEST(CurlClient, HonoursRetryAfter) {
  std::atomic<int> count{0};
  auto busy = HttpResponse::json(429, status_body(429, "TooManyRequests", "slow down"));
  busy.headers["Retry-After"] = "7";
  HttpTestServer server(flaky(1, busy, count));
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  ASSERT_TRUE(client->get("/x"));
  EXPECT_EQ(clock.sleeps(), std::vector<Duration>{7s});
}

// Answers beyond the limit fail the call (and are not retried) whether the server announces
// their size (Content-Length) or streams them until it closes the connection.
TEST(CurlClient, AnswersLargerThanTheLimitAreRefused) {
  for (bool announced : {true, false}) {
    std::atomic<int> count{0};
    HttpTestServer server([&](const HttpRequest& req) {
      ++count;
      auto r =
          HttpResponse::json(200, "[" + std::string(req.path == "/big" ? 5000 : 998, ' ') + "]");
      r.close_delimited = !announced;
      return r;
    });
    test::FakeClock clock;
    auto o = fast_options(&clock);
    o.max_body_bytes = 1000;
    auto client = client_for(server.url(), o);
    auto fits = client->get("/small");  // exactly 1000 bytes
    ASSERT_TRUE(fits) << fits.error().text();
    auto big = client->get("/big");
    ASSERT_FALSE(big) << announced;
    EXPECT_NE(big.error().text().find("larger than 1000 bytes"), std::string::npos)
        << big.error().text();
    EXPECT_EQ(count.load(), 2);
    EXPECT_TRUE(clock.sleeps().empty());
  }
}

TEST(CurlClient, RetriesDroppedConnections) {
  std::atomic<int> count{0};
  HttpTestServer server(flaky(2, HttpResponse::close(), count));
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  auto r = client->get("/x");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(count.load(), 3);
  EXPECT_EQ(clock.sleeps().size(), 2u);
}

TEST(CurlClient, DeadlineBoundsRetries) {
  std::atomic<int> count{0};
  HttpTestServer server(flaky(1000, HttpResponse::json(503, "{}"), count));
  test::FakeClock clock;
  auto o = fast_options(&clock);
  o.retry.total_deadline = 10s;
  auto client = client_for(server.url(), o);
  auto r = client->get("/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_EQ(r.error().http_status(), 503);
  // 0.5 + 1 + 2 + 4 = 7.5 s slept; the next 4 s wait would pass the 10 s deadline.
  EXPECT_EQ(count.load(), 5);
  EXPECT_NE(r.error().text().find("10s"), std::string::npos) << r.error().text();
}

TEST(CurlClient, RetryAfterBeyondDeadlineGivesUpAtOnce) {
  std::atomic<int> count{0};
  auto busy = HttpResponse::json(429, "{}");
  busy.headers["Retry-After"] = "120";
  HttpTestServer server(flaky(5, busy, count));
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  auto r = client->get("/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_EQ(count.load(), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(CurlClient, UnreachableServerFailsClearlyWithinTheDeadline) {
  CurlClientOptions o;  // real clock: proves there is no hang
  o.retry.total_deadline = 1500ms;
  o.retry.initial_backoff = 100ms;
  auto client = client_for("http://127.0.0.1:" + std::to_string(test::unused_port()), o);
  auto start = std::chrono::steady_clock::now();
  auto r = client->get("/healthz");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(r.error().text().find("127.0.0.1"), std::string::npos) << r.error().text();
  EXPECT_LT(took, 3s);
}

// Writes are repeated only when the server asks for it (429, or Retry-After on a 5xx), as
// client-go does; reads keep retrying 5xx, and a refused connection (nothing sent) is retried
// for every method.
TEST(CurlClient, NonIdempotentRequestsAreRetriedOnlyWhenTheServerSaysSo) {
  auto with_retry_after = HttpResponse::json(503, "{}");
  with_retry_after.headers["Retry-After"] = "1";
  struct Case {
    std::string method;
    HttpResponse failure;
    int expected_requests;
  };
  for (const auto& c : std::vector<Case>{{"POST", HttpResponse::json(503, "{}"), 1},
                                         {"PUT", HttpResponse::json(500, "{}"), 1},
                                         {"DELETE", HttpResponse::json(504, "{}"), 1},
                                         {"PATCH", HttpResponse::json(502, "{}"), 1},
                                         {"POST", HttpResponse::json(429, "{}"), 2},
                                         {"POST", with_retry_after, 2},
                                         {"GET", HttpResponse::json(503, "{}"), 2}}) {
    std::atomic<int> count{0};
    HttpTestServer server(flaky(1, c.failure, count));
    test::FakeClock clock;
    auto client = client_for(server.url(), fast_options(&clock));
    Request req{c.method, "/x", json::object(), "application/json", std::nullopt};
    if (c.method == "GET") req.body.reset();
    auto r = client->send(req);
    EXPECT_EQ(count.load(), c.expected_requests) << c.method << " " << c.failure.status;
    EXPECT_EQ(r.has_value(), c.expected_requests == 2) << c.method << " " << c.failure.status;
  }
  // A POST that marks itself idempotent (a read such as etcd's member/list) is retried.
  std::atomic<int> count{0};
  HttpTestServer server(flaky(1, HttpResponse::json(503, "{}"), count));
  test::FakeClock clock;
  Request list{"POST", "/v3/cluster/member/list", json::object(), "application/json", std::nullopt,
               true};
  EXPECT_TRUE(client_for(server.url(), fast_options(&clock))->send(list));
  EXPECT_EQ(count.load(), 2);
}

TEST(CurlClient, NonIdempotentRequestsAreNotRepeatedAfterATimeout) {
  HttpTestServer server([](const HttpRequest&) { return HttpResponse::hang(); });
  CurlClientOptions o;
  o.request_timeout = 300ms;
  o.retry.total_deadline = 2s;
  o.retry.initial_backoff = 50ms;
  auto client = client_for(server.url(), o);
  auto r = client->create("/api/v1/namespaces/kube-system/secrets", json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout) << r.error().text();
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(CurlClient, WritesAreRetriedWhenTheConnectionWasRefused) {
  test::FakeClock clock;
  auto o = fast_options(&clock);
  o.retry.max_attempts = 3;
  auto client = client_for("http://127.0.0.1:" + std::to_string(test::unused_port()), o);
  auto r = client->create("/api/v1/namespaces", json::object());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("after 3 attempts"), std::string::npos) << r.error().text();
}

TEST(CurlClient, SilentServerHitsThePerCallTimeout) {
  HttpTestServer server([](const HttpRequest&) { return HttpResponse::hang(); });
  CurlClientOptions o;
  o.request_timeout = 300ms;
  o.retry.total_deadline = 1s;
  o.retry.initial_backoff = 100ms;
  auto client = client_for(server.url(), o);
  auto start = std::chrono::steady_clock::now();
  auto r = client->get("/x");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_GE(server.requests().size(), 2u);
  EXPECT_LT(took, 2500ms);
}

TEST(CurlClient, StatusReasonAndKindsAreSurfaced) {
  HttpTestServer server([](const HttpRequest& req) {
    if (req.path.ends_with("/missing")) {
      return HttpResponse::json(404, status_body(404, "NotFound", "secrets \"missing\" not found"));
    }
    if (req.path.ends_with("/forbidden")) {
      return HttpResponse::json(403, status_body(403, "Forbidden", "no"));
    }
    return HttpResponse::json(409, status_body(409, "AlreadyExists", "exists"));
  });
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));

  auto nf = client->get("/api/v1/namespaces/kube-system/secrets/missing");
  ASSERT_FALSE(nf);
  EXPECT_TRUE(nf.error().is_not_found());
  EXPECT_EQ(nf.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(nf.error().reason(), "NotFound");
  EXPECT_NE(nf.error().text().find("secrets \"missing\" not found"), std::string::npos);
  EXPECT_NE(nf.error().text().find("GET /api/v1/namespaces/kube-system/secrets/missing"),
            std::string::npos);

  auto fb = client->get("/forbidden");
  ASSERT_FALSE(fb);
  EXPECT_TRUE(fb.error().is_forbidden());

  auto ae = client->create("/api/v1/namespaces/x/configmaps", json::object());
  ASSERT_FALSE(ae);
  EXPECT_TRUE(ae.error().is_already_exists());
  EXPECT_FALSE(ae.error().is_conflict());
  EXPECT_EQ(ae.error().kind(), ErrorKind::Conflict);
  EXPECT_TRUE(clock.sleeps().empty());  // 4xx are not retried
}

TEST(CurlClient, SendsBearerTokenMethodAndContentTypes) {
  auto tls = test::make_test_tls();
  HttpTestServer server([](const HttpRequest&) { return HttpResponse::json(200, "{}"); }, tls);
  test::FakeClock clock;
  auto client = bearer_client_for(server, tls, fast_options(&clock));
  ASSERT_TRUE(client->patch("/api/v1/nodes/n1", json{{"a", 1}}, PatchType::StrategicMerge));
  ASSERT_TRUE(client->patch("/api/v1/nodes/n1", json::array(), PatchType::Json));
  ASSERT_TRUE(client->patch("/api/v1/nodes/n1", json::object(), PatchType::Merge));
  ASSERT_TRUE(client->remove("/api/v1/nodes/n1"));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/strategic-merge-patch+json");
  EXPECT_EQ(json::parse(reqs[0].body), (json{{"a", 1}}));
  EXPECT_EQ(reqs[1].headers["content-type"], "application/json-patch+json");
  EXPECT_EQ(reqs[2].headers["content-type"], "application/merge-patch+json");
  EXPECT_EQ(reqs[3].method, "DELETE");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer abcdef.0123456789abcdef");
}

// A bearer token over http:// would be readable by anyone on the path: refused before any request.
TEST(CurlClient, RefusesABearerTokenOverPlainHttp) {
  HttpTestServer server([](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  Kubeconfig kc;
  kc.source = "admin.conf";
  kc.server = server.url();
  kc.token = "abcdef.0123456789abcdef";
  auto refused = CurlClient::from_kubeconfig(kc);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::Validation);
  EXPECT_NE(refused.error().text().find("plain HTTP"), std::string::npos) << refused.error().text();
  EXPECT_NE(refused.error().text().find("https://"), std::string::npos);
  EXPECT_EQ(refused.error().text().find("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
  // Anonymous plain http stays possible (health checks, tests).
  kc.token.clear();
  EXPECT_TRUE(CurlClient::from_kubeconfig(kc));
}

// A tiny object store behind the test server: POST creates (409 AlreadyExists when present),
// GET reads, PUT replaces and bumps resourceVersion (409 Conflict on a stale one).
struct Store {
  std::mutex mutex;
  std::map<std::string, json> objects;  // by full object path
  int version = 1;

  HttpResponse handle(const HttpRequest& req) {
    std::lock_guard lock(mutex);
    std::string path = req.path.substr(0, req.path.find('?'));
    if (req.method == "POST") {
      json obj = json::parse(req.body);
      std::string p = path + "/" + obj["metadata"]["name"].get<std::string>();
      if (objects.contains(p)) {
        return HttpResponse::json(409, status_body(409, "AlreadyExists", "already exists"));
      }
      obj["metadata"]["resourceVersion"] = std::to_string(version++);
      objects[p] = obj;
      return HttpResponse::json(201, obj.dump());
    }
    if (req.method == "GET") {
      if (auto it = objects.find(path); it != objects.end()) {
        return HttpResponse::json(200, it->second.dump());
      }
      if (objects.empty() || path.find("secrets") == std::string::npos ||
          req.path.find('?') == std::string::npos) {
        return HttpResponse::json(404, status_body(404, "NotFound", path + " not found"));
      }
      json list = {{"kind", "SecretList"}, {"items", json::array()}};
      for (auto& [p, o] : objects) list["items"].push_back(o);
      return HttpResponse::json(200, list.dump());
    }
    if (req.method == "PUT") {
      json obj = json::parse(req.body);
      auto it = objects.find(path);
      if (it == objects.end()) return HttpResponse::json(404, status_body(404, "NotFound", "x"));
      if (obj["metadata"].value("resourceVersion", "") !=
          it->second["metadata"]["resourceVersion"]) {
        return HttpResponse::json(409, status_body(409, "Conflict", "stale"));
      }
      obj["metadata"]["resourceVersion"] = std::to_string(version++);
      it->second = obj;
      return HttpResponse::json(200, obj.dump());
    }
    if (req.method == "DELETE") {
      if (objects.erase(path) == 0) {
        return HttpResponse::json(404, status_body(404, "NotFound", "x"));
      }
      return HttpResponse::json(200, status_body(200, "", "deleted"));
    }
    return HttpResponse::json(405, "{}");
  }
};

TEST(CurlClient, CreateOrUpdateUpdatesOnAlreadyExists) {
  Store store;
  HttpTestServer server([&](const HttpRequest& r) { return store.handle(r); });
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "cluster-info"}, {"namespace", "kube-public"}}},
             {"data", {{"kubeconfig", "one"}}}};
  ASSERT_TRUE(apply_object(*client, cm));
  cm["data"]["kubeconfig"] = "two";
  auto r = apply_object(*client, cm);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(store.objects.size(), 1u);
  auto got = get_configmap(*client, kKubePublic, "cluster-info").value();
  EXPECT_EQ(got["data"]["kubeconfig"], "two");
  std::vector<std::string> methods;
  for (const auto& req : server.requests()) methods.push_back(req.method);
  EXPECT_EQ(methods, (std::vector<std::string>{"POST", "POST", "GET", "PUT", "GET"}));
}

// A Service with a fixed clusterIP is refused with 422 on a second POST, before its name is
// looked at: create_or_update must then update the existing object, and only the existing one.
TEST(CurlClient, CreateOrUpdateUpdatesWhenCreateIsInvalidButTheObjectExists) {
  bool exists = true;
  std::vector<std::string> seen;
  HttpTestServer server([&](const HttpRequest& r) {
    seen.push_back(r.method + " " + r.path);
    if (r.method == "POST") {
      return HttpResponse::json(422, status_body(422, "Invalid",
                                                 "spec.clusterIP: Invalid value: "
                                                 "\"10.96.0.10\": provided IP is "
                                                 "already allocated"));
    }
    if (r.method == "GET" && !exists) {
      return HttpResponse::json(404,
                                status_body(404, "NotFound", "services \"kube-dns\" not found"));
    }
    if (r.method == "GET") {
      return HttpResponse::json(200, R"({"metadata":{"name":"kube-dns","resourceVersion":"7"}})");
    }
    return HttpResponse::json(200, r.body);
  });
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", "kube-dns"}, {"namespace", "kube-system"}}},
              {"spec", {{"clusterIP", "10.96.0.10"}}}};
  auto r = apply_object(*client, svc);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ((*r)["metadata"]["resourceVersion"], "7");
  const std::string path = "/api/v1/namespaces/kube-system/services";
  EXPECT_EQ(seen, (std::vector<std::string>{"POST " + path, "GET " + path + "/kube-dns",
                                            "PUT " + path + "/kube-dns"}));

  exists = false;
  seen.clear();
  auto refused = apply_object(*client, svc);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
  EXPECT_NE(refused.error().text().find("already allocated"), std::string::npos)
      << refused.error().text();
  EXPECT_EQ(seen.size(), 2u);  // POST, GET: no PUT of an object that is not there
}

TEST(ApiObjects, TokenSecretsCreateListDelete) {
  Store store;
  HttpTestServer server([&](const HttpRequest& r) { return store.handle(r); });
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  config::BootstrapToken t;
  t.token = "abcdef.0123456789abcdef";
  t.usages = {"signing"};
  auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(create_token_secret(*client, t, now));
  auto again = create_token_secret(*client, t, now);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "a token with id \"abcdef\" already exists");
  EXPECT_TRUE(create_or_update_token_secret(*client, t, now));

  auto listed = list_bootstrap_token_secrets(*client).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(token::token_from_secret(listed[0]).value().token, t.token);
  bool saw_selector = false;
  for (const auto& req : server.requests()) {
    saw_selector |= req.path ==
                    "/api/v1/namespaces/kube-system/secrets"
                    "?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken";
  }
  EXPECT_TRUE(saw_selector);

  ASSERT_TRUE(delete_token_secret(*client, "abcdef"));
  EXPECT_TRUE(store.objects.empty());
  EXPECT_TRUE(delete_token_secret(*client, "abcdef").error().is_not_found());
  EXPECT_FALSE(delete_token_secret(*client, "../etc"));
}

TEST(ApiObjects, CollectionPaths) {
  EXPECT_EQ(collection_path(make_role("kube-system", "r", {})).value(),
            "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles");
  EXPECT_EQ(collection_path(make_role_binding("kube-public", "b", "r", {})).value(),
            "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/rolebindings");
  EXPECT_EQ(collection_path(make_cluster_role("c", {})).value(),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles");
  EXPECT_EQ(
      object_path(make_cluster_role_binding("kubeadm:cluster-admins", "cluster-admin", {})).value(),
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubeadm:cluster-admins");
  EXPECT_EQ(collection_path(json{{"apiVersion", "v1"}, {"kind", "Node"}}).value(), "/api/v1/nodes");
  EXPECT_FALSE(collection_path(json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}));
  EXPECT_FALSE(collection_path(json{{"apiVersion", "v9"}, {"kind", "Thing"}}));
}

TEST(ApiObjects, RbacShapes) {
  auto role = make_role("kube-public", "kubeadm:bootstrap-signer-clusterinfo",
                        {{{""}, {"configmaps"}, {"cluster-info"}, {"get"}}});
  EXPECT_EQ(role["rules"][0]["resourceNames"][0], "cluster-info");
  EXPECT_EQ(role["rules"][0]["apiGroups"][0], "");
  auto binding =
      make_role_binding("kube-public", "kubeadm:bootstrap-signer-clusterinfo",
                        "kubeadm:bootstrap-signer-clusterinfo", {{"User", "system:anonymous", ""}});
  EXPECT_EQ(binding["roleRef"]["kind"], "Role");
  EXPECT_EQ(binding["subjects"][0], (json{{"kind", "User"},
                                          {"name", "system:anonymous"},
                                          {"apiGroup", "rbac.authorization.k8s.io"}}));
}

TEST(Wait, PollsUntilTrueOrTimesOutWithLastError) {
  test::FakeClock clock;
  int calls = 0;
  WaitOptions o{100ms, 1s, &clock, "the thing"};
  EXPECT_TRUE(wait_for([&]() -> Result<bool> { return ++calls == 3; }, o));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<Duration>{100ms, 100ms}));

  auto r = wait_for([&]() -> Result<bool> { return fail(ErrorKind::Api, "boom"); }, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(r.error().text().find("the thing"), std::string::npos);
  EXPECT_NE(r.error().text().find("boom"), std::string::npos);
}

TEST(Wait, PausesDoubleUpToMaxInterval) {
  test::FakeClock clock;
  int calls = 0;
  WaitOptions o{10ms, 1s, &clock, "the thing", 80ms};
  EXPECT_TRUE(wait_for([&]() -> Result<bool> { return ++calls == 7; }, o));
  EXPECT_EQ(clock.sleeps(), (std::vector<Duration>{10ms, 20ms, 40ms, 80ms, 80ms, 80ms}));
}

TEST(Wait, ForObjectAgainstServer) {
  std::atomic<int> count{0};
  HttpTestServer server([&](const HttpRequest&) {
    int n = count++;
    if (n == 0) return HttpResponse::json(404, status_body(404, "NotFound", "nope"));
    if (n == 1) return HttpResponse::json(200, R"({"data":{}})");
    return HttpResponse::json(200, R"({"data":{"jws-kubeconfig-abcdef":"sig"}})");
  });
  test::FakeClock clock;
  auto client = client_for(server.url(), fast_options(&clock));
  auto got = wait_for_object(
      *client, "/api/v1/namespaces/kube-public/configmaps/cluster-info",
      [](const json& cm) { return cm["data"].contains("jws-kubeconfig-abcdef"); },
      WaitOptions{5s, 5min, &clock, "cluster-info"});
  ASSERT_TRUE(got) << got.error().text();
  EXPECT_EQ(count.load(), 3);
}

}  // namespace
}  // namespace kadm::apiclient

namespace kadm::apiclient {
namespace {

TEST(CurlClient, SecretsNeverReachTheLogAtAnyVerbosity) {
  std::ostringstream captured;
  log::capture_to(captured, 10);
  Store store;
  auto tls = test::make_test_tls();
  test::HttpTestServer server([&](const test::HttpRequest& r) { return store.handle(r); }, tls);
  test::FakeClock clock;
  auto client = bearer_client_for(server, tls, fast_options(&clock));
  config::BootstrapToken t;
  t.token = "zyxwvu.s3cr3ts3cr3ts3cr";
  ASSERT_TRUE(create_or_update_token_secret(*client, t, std::chrono::system_clock::now()));
  ASSERT_TRUE(create_or_update_token_secret(*client, t, std::chrono::system_clock::now()));
  log::capture_to(std::cerr, 0);
  std::string text = captured.str();
  EXPECT_NE(text.find("/api/v1/namespaces/kube-system/secrets"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
  EXPECT_EQ(text.find(str::base64_encode("s3cr3ts3cr3ts3cr")), std::string::npos) << text;
  EXPECT_EQ(text.find("abcdef.0123456789abcdef"), std::string::npos) << text;  // bearer token
}

}  // namespace
}  // namespace kadm::apiclient
