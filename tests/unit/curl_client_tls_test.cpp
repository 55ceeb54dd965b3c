// CurlClient's TLS wiring (CA, client certificate and key passed as in-memory blobs) against
// `openssl s_server` on 127.0.0.1. Skipped when the openssl tool is not installed.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "apiclient/curl_client.h"
#include "common/fs.h"
#include "lib/http_test_server.h"
#include "lib/temp_dir.h"

namespace kadm::apiclient {
namespace {

using namespace std::chrono_literals;

bool run(const std::string& cmd) {
  return std::system(("{ " + cmd + "; } >/dev/null 2>&1").c_str()) == 0;
}

class TlsServer {
 public:
  TlsServer(const std::filesystem::path& dir, int port) {
    m_pid = ::fork();
    if (m_pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      std::string d = dir.string();
      ::execlp("openssl", "openssl", "s_server", "-quiet", "-www", "-accept",
               std::to_string(port).c_str(), "-cert", (d + "/server.crt").c_str(), "-key",
               (d + "/server.key").c_str(), "-CAfile", (d + "/ca.crt").c_str(), "-Verify", "1",
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~TlsServer() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
    }
  }

 private:
  pid_t m_pid = -1;
};

TEST(CurlClientTls, CaAndClientCertificateFromMemory) {
  if (!run("command -v openssl")) GTEST_SKIP() << "openssl tool not installed";
  test::TempDir dir;
  std::string d = dir.path().string();
  std::string subj_ca = "-subj /CN=test-ca";
  ASSERT_TRUE(run("cd " + d +
                  " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout ca.key -out ca.crt -days 1 " +
                  subj_ca +
                  " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout server.key -out server.csr -subj /CN=server"
                  " && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext"
                  " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
                  "-days 1 -extfile san.ext -out server.crt"
                  " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout client.key -out client.csr -subj /CN=client"
                  " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
                  "-days 1 -out client.crt"
                  " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout other.key -out other.crt -days 1 -subj /CN=other-ca"));
  int port = test::unused_port();
  TlsServer server(dir.path(), port);

  Kubeconfig kc;
  kc.source = "test";
  kc.server = "https://127.0.0.1:" + std::to_string(port);
  kc.ca_pem = fs::read_file(dir.path() / "ca.crt").value();
  kc.client_cert_pem = fs::read_file(dir.path() / "client.crt").value();
  kc.client_key_pem = fs::read_file(dir.path() / "client.key").value();
  CurlClientOptions o;
  o.request_timeout = 2s;
  o.retry.total_deadline = 5s;  // covers the server's start-up (connection refused → retry)
  o.retry.initial_backoff = 100ms;
  o.retry.max_backoff = 200ms;

  auto client = CurlClient::from_kubeconfig(kc, o).value();
  auto ok = client->send_raw(Request{"GET", "/", std::nullopt, "application/json", std::nullopt});
  ASSERT_TRUE(ok) << ok.error().text();
  EXPECT_EQ(ok->status, 200);

  // A different CA must not be trusted, and that is not retried until the deadline.
  Kubeconfig wrong_ca = kc;
  wrong_ca.ca_pem = fs::read_file(dir.path() / "other.crt").value();
  auto start = std::chrono::steady_clock::now();
  auto bad = CurlClient::from_kubeconfig(wrong_ca, o)
                 .value()
                 ->send_raw(Request{"GET", "/", std::nullopt, "application/json", std::nullopt});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::Tls) << bad.error().text();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);

  // The server demands a client certificate.
  Kubeconfig anonymous = kc;
  anonymous.client_cert_pem.clear();
  anonymous.client_key_pem.clear();
  auto short_options = o;
  short_options.retry.total_deadline = 1s;
  EXPECT_FALSE(CurlClient::from_kubeconfig(anonymous, short_options)
                   .value()
                   ->send_raw(Request{"GET", "/", std::nullopt, "application/json", std::nullopt}));

  // Without TLS verification the wrong CA does not matter (discovery's first read).
  wrong_ca.insecure_skip_tls_verify = true;
  auto insecure =
      CurlClient::from_kubeconfig(wrong_ca, o)
          .value()
          ->send_raw(Request{"GET", "/", std::nullopt, "application/json", std::nullopt});
  ASSERT_TRUE(insecure) << insecure.error().text();
  EXPECT_EQ(insecure->status, 200);
}

}  // namespace
}  // namespace kadm::apiclient
