// The real Probe: health endpoints over libcurl, served certificates over an OpenSSL handshake.

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>
#include <memory>

#include "apiclient/curl_client.h"
#include "certs/x509.h"
#include "common/net.h"
#include "staticpod/rollout.h"

namespace kadm::staticpod {

namespace {

struct SslDeleter {
  void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

std::string NetProbe::Answer::describe() const {
  return error.empty() ? "HTTP " + std::to_string(status) + ": " + body.substr(0, 300) : error;
}

Status NetProbe::health(const std::string& url) {
  auto r = KADM_TRY(answer(url));
  if (r.status != 200) return fail(ErrorKind::Api, r.describe());
  return {};
}

Result<NetProbe::Answer> NetProbe::answer(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return fail(ErrorKind::Validation, "bad URL " + url);
  const auto path_start = url.find('/', scheme_end + 3);
  const std::string server = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  apiclient::CurlClientOptions options;
  options.request_timeout = std::chrono::seconds(5);
  options.connect_timeout = std::chrono::seconds(2);
  options.retry.max_attempts = 1;
  auto client = KADM_TRY(apiclient::CurlClient::insecure(server, options));
  apiclient::Request req;
  req.method = "GET";
  req.path = path;
  auto r = client->send_raw(req);
  if (!r && r.error().http_status() != 0)
    return Answer{r.error().http_status(), "", r.error().text()};
  if (!r) return fail(ErrorKind::Api, r.error().text());
  return Answer{r->status, std::move(r->body), ""};
}

Result<std::string> NetProbe::served_serial(const std::string& host, int port,
                                            const std::string& ca_file,
                                            const std::string& client_cert_file,
                                            const std::string& client_key_file) {
  const std::string where = host + ":" + std::to_string(port);
  std::unique_ptr<SSL_CTX, SslDeleter> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail(ErrorKind::Tls, "TLS setup: " + openssl_error());
  if (!ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
      return fail(ErrorKind::Tls, "cannot load CA " + ca_file + ": " + openssl_error());
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  }
  if (!client_cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), client_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx.get(), client_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail(ErrorKind::Tls,
                  "cannot load client certificate " + client_cert_file + ": " + openssl_error());
    }
  }
  std::unique_ptr<BIO, SslDeleter> bio(BIO_new_ssl_connect(ctx.get()));
  if (!bio) return fail(ErrorKind::Tls, "TLS setup: " + openssl_error());
  const std::string target = net::join_host_port(host, port);
  BIO_set_conn_hostname(bio.get(), target.c_str());
  SSL* ssl = nullptr;
  BIO_get_ssl(bio.get(), &ssl);
  if (!ssl) return fail(ErrorKind::Tls, "TLS setup: no SSL object");
  SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
  if (host.find(':') == std::string::npos && !host.empty() &&
      !std::isdigit(static_cast<unsigned char>(host[0]))) {
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(host.c_str()));
  }
  if (BIO_do_connect(bio.get()) <= 0) {
    return fail(ErrorKind::Tls, "cannot connect to " + where + ": " + openssl_error());
  }
  // A server that accepts but never answers must not hold kadm: 5 s per read or write.
  if (int fd = -1; BIO_get_fd(bio.get(), &fd) > 0 && fd >= 0) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  if (BIO_do_handshake(bio.get()) <= 0) {
    return fail(ErrorKind::Tls, "TLS handshake with " + where + " failed: " + openssl_error());
  }
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (!peer) return fail(ErrorKind::Tls, where + " presented no certificate");
  certs::UniqueX509 cert(peer);
  return certs::inspect(cert.get()).serial;
}

}  // namespace kadm::staticpod
