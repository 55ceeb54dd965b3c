#include "lib/http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include "certs/keys.h"
#include "certs/openssl_ptr.h"
#include "certs/x509.h"

namespace kadm::test {

namespace {

int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

TestTls make_test_tls() {
  TestTls out;
  certs::SigningOptions so;
  so.not_before = std::chrono::system_clock::now() - std::chrono::minutes(5);
  so.not_after = so.not_before + std::chrono::hours(2);
  auto ca_key = certs::generate_key(config::EncryptionAlgorithm::ECDSAP256).value();
  certs::CertRequest ca_req;
  ca_req.common_name = "test-ca";
  auto ca = certs::create_self_signed_ca(ca_req, ca_key.get(), so).value();
  auto key = certs::generate_key(config::EncryptionAlgorithm::ECDSAP256).value();
  certs::CertRequest req;
  req.common_name = "test-server";
  req.alt_names.ips = {"127.0.0.1"};
  req.usages = {certs::ExtKeyUsage::ServerAuth};
  auto cert = certs::sign_leaf(req, key.get(), ca.get(), ca_key.get(), so).value();
  out.ca_pem = certs::certificate_pem(ca.get()).value();
  out.cert_pem = certs::certificate_pem(cert.get()).value();
  out.key_pem = certs::private_key_pem(key.get()).value();
  return out;
}

// One accepted connection, plain or TLS.
struct HttpTestServer::Connection {
  int fd = -1;
  SSL* ssl = nullptr;

  ~Connection() {
    if (ssl) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
  }
  // Some bytes (waiting at most 50 ms for the first); 0 when nothing came, -1 on EOF/error.
  ssize_t read_some(char* buf, size_t size) {
    if (!ssl || SSL_pending(ssl) == 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) return 0;
    }
    if (ssl) {
      int n = SSL_read(ssl, buf, static_cast<int>(size));
      return n > 0 ? n : -1;
    }
    ssize_t n = ::recv(fd, buf, size, 0);
    return n > 0 ? n : -1;
  }
  void write_all(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ssl ? SSL_write(ssl, data.data() + off, static_cast<int>(data.size() - off))
                      : ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
    if (ssl) SSL_shutdown(ssl);
  }
};

HttpTestServer::HttpTestServer(Handler handler) : m_handler(std::move(handler)) { start(); }

HttpTestServer::HttpTestServer(Handler handler, const TestTls& tls)
    : m_handler(std::move(handler)) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  auto cert = certs::load_certificate(tls.cert_pem).value();
  auto key = certs::load_private_key(tls.key_pem).value();
  if (!ctx || SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    throw std::runtime_error("cannot set up the TLS test server");
  }
  m_tls = std::shared_ptr<void>(ctx, [](void* c) { SSL_CTX_free(static_cast<SSL_CTX*>(c)); });
  start();
}

void HttpTestServer::start() {
  // SSL_write to a client that already hung up (the point of some tests) raises SIGPIPE, which
  // would end the whole test binary; plain writes use MSG_NOSIGNAL instead.
  static const bool sigpipe_ignored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;
  m_listen_fd = listen_on_loopback(m_port);
  m_thread = std::thread([this] { serve(); });
}

HttpTestServer::~HttpTestServer() {
  m_stop = true;
  m_thread.join();
  if (m_listen_fd >= 0) ::close(m_listen_fd);
}

std::vector<HttpRequest> HttpTestServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

void HttpTestServer::serve() {
  // A hung connection stays open (unanswered) until the server stops.
  std::vector<std::unique_ptr<Connection>> hung;
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    auto c = std::make_unique<Connection>();
    c->fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c->fd < 0) continue;
    if (m_tls) {
      // A client that never finishes its handshake cannot block the server for long.
      timeval limit{5, 0};
      ::setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      ::setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
      c->ssl = SSL_new(static_cast<SSL_CTX*>(m_tls.get()));
      if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) continue;
    }
    if (!handle(*c)) hung.push_back(std::move(c));
  }
}

bool HttpTestServer::handle(Connection& c) {
  std::string data;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    ssize_t n = c.read_some(buf, sizeof buf);
    if (n == 0) {
      if (m_stop) break;
      continue;
    }
    if (n < 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = lower(data.substr(0, header_end));
        auto cl = head.find("content-length:");
        if (cl != std::string::npos) content_length = std::stoul(head.substr(cl + 15));
      }
    }
  }
  HttpRequest req;
  if (header_end != std::string::npos) {
    std::string head = data.substr(0, header_end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    req.method = first.substr(0, sp1);
    req.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[lower(line.substr(0, colon))] = value;
      }
      pos = e + 2;
    }
    req.body = data.substr(header_end + 4, content_length);
  }
  HttpResponse resp = m_handler(req);
  {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(req);
  }
  if (resp.action == HttpResponse::Action::Hang) return false;  // serve() keeps it open
  if (resp.action == HttpResponse::Action::Answer) {
    std::string out =
        "HTTP/1.1 " + std::to_string(resp.status) + " " + reason_phrase(resp.status) + "\r\n";
    for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
    if (!resp.close_delimited) {
      out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
    }
    out += "Connection: close\r\n\r\n";
    out += resp.body;
    c.write_all(out);
  }
  return true;
}

int unused_port() {
  int port = 0;
  int fd = listen_on_loopback(port);
  if (fd >= 0) ::close(fd);
  return port;
}

}  // namespace kadm::test
