#pragma once
// A node as the static pod rollout sees it, for unit tests: a "kubelet" that looks at the real
// manifest files in a temp dir on every tick (the test's clock ticks it on each sleep) and
// (re)starts or stops each component; an "API server" that answers the mirror pod GETs; and the
// network probes (health endpoints, the kubelet's healthz, served certificate serials).
// A component is Ready and healthy `ticks_to_ready` ticks after its start, unless its manifest
// holds `broken_marker` (it crash-loops). A serving component loads the serial of its certificate
// file when it starts, as a real process does.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "apiclient/clock.h"
#include "certs/x509.h"
#include "common/fs.h"
#include "lib/fake_clock.h"
#include "staticpod/rollout.h"

namespace kadm::test {

class FakeStaticPodNode final : public apiclient::Client, public staticpod::Probe {
 public:
  using json = nlohmann::json;
  FakeStaticPodNode(std::filesystem::path manifest_dir, std::string node)
      : m_dir(std::move(manifest_dir)), m_node(std::move(node)) {}

  bool kubelet_running = true;  // false: nothing reacts to manifest changes, healthz refuses
  bool api_dead = false;        // every API read fails
  // Components the API needs (etcd, kube-apiserver): reads fail while one of them is down.
  std::vector<std::string> api_needs = {};
  int ticks_to_ready = 2;
  std::string broken_marker = "--bad-flag";
  std::string kubelet_healthz = "http://127.0.0.1:10248/healthz";

  // `component` serves the certificate in `cert_file` at `address` ("127.0.0.1:2379").
  void serves(const std::string& component, const std::string& address,
              std::filesystem::path cert_file) {
    m_serving[address] = {component, std::move(cert_file)};
  }

  // Starts every component whose manifest exists, already Ready (the state after init).
  void start_all() {
    for (const auto& e : std::filesystem::directory_iterator(m_dir)) {
      if (e.path().extension() != ".yaml") continue;
      auto& st = m_pods[e.path().stem().string()];
      start(e.path().stem().string(), st, *fs::read_file(e.path()));
      st.since_start = 1000;
    }
  }

  void tick() {
    ++ticks;
    if (!kubelet_running) return;
    for (auto& [name, st] : m_pods) observe(name, st);
    for (const auto& e : std::filesystem::directory_iterator(m_dir)) {
      const auto name = e.path().stem().string();
      if (e.path().extension() == ".yaml" && !m_pods.contains(name)) observe(name, m_pods[name]);
    }
  }

  bool up(const std::string& component) const {
    auto it = m_pods.find(component);
    if (it == m_pods.end()) return false;
    const auto& st = it->second;
    return st.running && st.since_start >= ticks_to_ready &&
           st.content.find(broken_marker) == std::string::npos;
  }
  int starts(const std::string& component) const {
    auto it = m_pods.find(component);
    return it == m_pods.end() ? 0 : it->second.containers;
  }
  int stops(const std::string& component) const {
    auto it = m_pods.find(component);
    return it == m_pods.end() ? 0 : it->second.stops;
  }

  apiclient::ApiResult<json> send(const apiclient::Request& r) override {
    requests.push_back(r.method + " " + r.path);
    bool api_up = !api_dead;
    for (const auto& c : api_needs) api_up = api_up && up(c);
    if (!api_up) {
      return std::unexpected(apiclient::ApiError(ErrorKind::Api, "connection refused", 0, ""));
    }
    for (const auto& [name, st] : m_pods) {
      if (r.method != "GET" || r.path != staticpod::mirror_pod_path(name, m_node) || !st.running) {
        continue;
      }
      return json{{"metadata",
                   {{"name", name + "-" + m_node},
                    {"annotations",
                     {{std::string(staticpod::kConfigHashAnnotation),
                       std::to_string(std::hash<std::string>{}(st.content))}}}}},
                  {"status",
                   {{"phase", "Running"},
                    {"conditions", {{{"type", "Ready"}, {"status", up(name) ? "True" : "False"}}}},
                    {"containerStatuses",
                     {{{"name", name},
                       {"containerID", "containerd://c" + std::to_string(st.containers)}}}}}}};
    }
    return std::unexpected(apiclient::error_from_response(
        r.method, r.path, 404, R"({"kind":"Status","reason":"NotFound"})"));
  }

  Status health(const std::string& url) override {
    health_urls.push_back(url);
    if (url == kubelet_healthz) {
      if (kubelet_running) return {};
      return fail(ErrorKind::Api, "connection refused");
    }
    for (const auto& [name, st] : m_pods) {
      if (!st.running) continue;
      auto mine = staticpod::health_url(st.content, name);
      if (mine && *mine == url) {
        if (up(name)) return {};
        return fail(ErrorKind::Api, "HTTP 500: not ready");
      }
    }
    return fail(ErrorKind::Api, "connection refused");
  }

  Result<std::string> served_serial(const std::string& host, int port, const std::string& ca_file,
                                    const std::string& client_cert, const std::string&) override {
    serial_checks.push_back(host + ":" + std::to_string(port) + " ca=" + ca_file +
                            " client=" + client_cert);
    auto it = m_serving.find(host + ":" + std::to_string(port));
    if (it == m_serving.end() || !up(it->second.component)) {
      return fail(ErrorKind::Tls, "connection refused");
    }
    return m_pods.at(it->second.component).serial;
  }

  int ticks = 0;
  std::vector<std::string> requests;
  std::vector<std::string> health_urls;
  std::vector<std::string> serial_checks;

 private:
  struct Pod {
    bool running = false;
    std::string content;
    int containers = 0;
    int since_start = 0;
    int stops = 0;
    std::string serial;
  };
  struct Serving {
    std::string component;
    std::filesystem::path cert;
  };

  void observe(const std::string& name, Pod& st) {
    auto text = fs::read_file(m_dir / (name + ".yaml"));
    if (!text) {
      if (st.running) ++st.stops;
      st.running = false;
      return;
    }
    if (!st.running || *text != st.content) {
      start(name, st, *text);
      return;
    }
    ++st.since_start;
  }

  void start(const std::string& name, Pod& st, const std::string& content) {
    st.running = true;
    st.content = content;
    ++st.containers;
    st.since_start = 0;
    for (const auto& [address, s] : m_serving) {
      if (s.component != name) continue;
      if (auto pem = fs::read_file(s.cert)) {
        if (auto cert = certs::load_certificate(*pem))
          st.serial = certs::inspect(cert->get()).serial;
      }
    }
  }

  std::filesystem::path m_dir;
  std::string m_node;
  std::map<std::string, Pod> m_pods;
  std::map<std::string, Serving> m_serving;
};

// A fake clock whose every sleep is a tick of the node.
class TickingClock final : public apiclient::Clock {
 public:
  explicit TickingClock(FakeStaticPodNode& node) : m_node(node) {}
  TimePoint now() override { return m_clock.now(); }
  void sleep_for(Duration d) override {
    m_clock.sleep_for(d);
    m_node.tick();
  }
  FakeClock m_clock;

 private:
  FakeStaticPodNode& m_node;
};

}  // namespace kadm::test
