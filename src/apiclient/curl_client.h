#pragma once
// Client over libcurl: TLS material from a kubeconfig, per-call timeouts, and retries with
// exponential backoff + jitter on connection errors, 429 and 5xx (honouring Retry-After), all
// bounded by a total deadline. Plain http:// servers are accepted (used by unit tests).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "apiclient/kubeconfig_reader.h"
#include "http/curl_handles.h"

namespace kadm::apiclient {

using http::CurlEasy;
using http::CurlSlist;

struct RetryPolicy {
  Duration initial_backoff{500};
  double multiplier = 2.0;
  Duration max_backoff{8000};
  double jitter = 0.2;  // each wait grows by a random fraction in [0, jitter)
  // Instead: each wait is uniform in [0, backoff] (plus Retry-After when the server sent one),
  // for clients that fail together (many nodes joining at once).
  bool full_jitter = false;
  Duration total_deadline{60000};  // all attempts and waits of one call
  int max_attempts = 0;            // 0: limited by the deadline only
};

// The largest answer body accepted by default: far above any object or list kadm reads (an
// API object is at most ~1.5 MiB), yet a bound on what a broken or hostile server can make kadm
// hold in memory.
inline constexpr std::size_t kDefaultMaxBodyBytes = std::size_t{64} << 20;

struct CurlClientOptions {
  Duration request_timeout{30000};  // one attempt (capped by what is left of the deadline)
  Duration connect_timeout{10000};
  RetryPolicy retry;
  Clock* clock = nullptr;  // null: the real clock
  // A larger answer fails the call (not retried) instead of being read into memory.
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
};

struct RawResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class CurlClient final : public Client {
 public:
  // Server, CA, client certificate/key and bearer token from the kubeconfig.
  static Result<std::unique_ptr<CurlClient>> from_kubeconfig(const Kubeconfig& kubeconfig,
                                                             CurlClientOptions options = {});
  // No credentials, no CA: TLS verification off (token discovery's first, untrusted read).
  static Result<std::unique_ptr<CurlClient>> insecure(std::string server,
                                                      CurlClientOptions options = {});

  ApiResult<json> send(const Request& request) override;
  // Same retries; any status is returned as is (health endpoints answer text, not JSON).
  ApiResult<RawResponse> send_raw(const Request& request);
  // One streaming GET; events are newline-separated JSON objects. `request.timeout` bounds the
  // whole stream (the client's request timeout otherwise).
  ApiResult<bool> watch(const Request& request, const WatchHandler& on_event) override;

  const std::string& server() const { return m_server; }

 private:
  CurlClient(Kubeconfig kubeconfig, CurlClientOptions options);

  struct Attempt;
  Attempt perform_once(const Request& request, const std::string& body, Duration timeout);
  // Sets every per-request option of `h` (URL, headers, TLS material, timeouts).
  bool prepare(CURL* h, const Request& request, const std::string& body, Duration timeout,
               CurlSlist& headers, std::string& url, char* errbuf, Attempt& a);
  // Handles keep their connection between calls (TLS handshakes are the most expensive part of
  // a small request, for the client and for a busy API server); one handle per concurrent call.
  CurlEasy take_handle();
  std::uint64_t next_seed();
  void give_back(CurlEasy handle);

  Kubeconfig m_config;
  std::string m_server;
  CurlClientOptions m_options;
  Clock* m_clock;
  std::mutex m_rng_mutex;
  std::mt19937_64 m_rng;
  std::mutex m_pool_mutex;
  std::vector<CurlEasy> m_idle;
};

}  // namespace kadm::apiclient
