#pragma once
// A minimal HTTP/1.1 server (plain or over TLS) on 127.0.0.1 for client tests: one request per
// connection, answers from a handler that may also drop the connection or never answer.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kadm::test {

struct HttpRequest {
  std::string method;
  std::string path;                            // with the query string
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpResponse {
  enum class Action { Answer, Close, Hang };
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  Action action = Action::Answer;
  // No Content-Length: the body ends when the connection closes.
  bool close_delimited = false;

  static HttpResponse json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers["Content-Type"] = "application/json";
    return r;
  }
  static HttpResponse close() {
    HttpResponse r;
    r.action = Action::Close;
    return r;
  }
  static HttpResponse hang() {
    HttpResponse r;
    r.action = Action::Hang;
    return r;
  }
};

// A server certificate (PEM) for 127.0.0.1 and the CA that signed it, for https test servers.
struct TestTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};
// A fresh ECDSA CA and a serving certificate for IP 127.0.0.1 signed by it.
TestTls make_test_tls();

class HttpTestServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit HttpTestServer(Handler handler);
  // Serves https with `tls`'s certificate and key.
  HttpTestServer(Handler handler, const TestTls& tls);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return m_port; }
  std::string url() const {
    return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
  }
  std::vector<HttpRequest> requests() const;

 private:
  struct Connection;
  void start();
  void serve();
  // Answers one connection; false when it must stay open (a hung answer).
  bool handle(Connection& c);

  Handler m_handler;
  std::shared_ptr<void> m_tls;  // SSL_CTX, when serving https
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  mutable std::mutex m_mutex;
  std::vector<HttpRequest> m_requests;
  std::thread m_thread;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int unused_port();

}  // namespace kadm::test
