#pragma once
// A minimal HTTP/1.1 server on 127.0.0.1 for client tests: one request per connection, answers
// from a handler that may also drop the connection or never answer.

#include <atomic>
#include <functional>
#include <map>
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

class HttpTestServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit HttpTestServer(Handler handler);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  std::vector<HttpRequest> requests() const;

 private:
  void serve();
  void handle(int fd);

  Handler m_handler;
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
