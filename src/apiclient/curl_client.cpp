#include "apiclient/curl_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "apiclient/backoff.h"
#include "common/strings.h"
#include "http/curl_handles.h"

namespace kadm::apiclient {

using http::collect_header;
using http::curl_global_init_once;
using http::slist_append;

namespace {

// Collects the body up to a limit; beyond it the transfer stops (CURLE_WRITE_ERROR).
struct BodySink {
  std::string* body;
  std::size_t max;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (n > sink->max - std::min(sink->max, sink->body->size())) {
    sink->too_large = true;
    return 0;
  }
  sink->body->append(data, n);
  return n;
}

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Failures after which the same request may well succeed: the server is starting, restarting
// or overloaded. Certificate problems are not among them.
bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

// Failures where the request cannot have reached the server: safe to repeat for any method.
bool never_sent(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

bool retryable_status(int status) { return status == 429 || status >= 500; }

bool is_tls_failure(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

std::optional<Duration> retry_after(const RawResponse& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return std::nullopt;
  long long seconds = 0;
  const std::string& v = it->second;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  // The HTTP-date form is rare from the API server; fall back to our own backoff for it.
  if (ec != std::errc() || end != v.data() + v.size() || seconds < 0) return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::seconds(seconds));
}

std::string seconds_text(Duration d) {
  return format_duration(std::chrono::duration_cast<Duration>(d));
}

curl_blob blob_of(const std::string& s) {
  return curl_blob{const_cast<char*>(s.data()), s.size(), CURL_BLOB_COPY};
}

}  // namespace

struct CurlClient::Attempt {
  CURLcode code = CURLE_OK;
  std::string curl_error;
  RawResponse response;
};

CurlClient::CurlClient(Kubeconfig kubeconfig, CurlClientOptions options)
    : m_config(std::move(kubeconfig)),
      m_server(m_config.server),
      m_options(options),
      m_clock(options.clock ? options.clock : &real_clock()),
      m_rng(std::random_device{}()) {
  while (!m_server.empty() && m_server.back() == '/') m_server.pop_back();
}

Result<std::unique_ptr<CurlClient>> CurlClient::from_kubeconfig(const Kubeconfig& kubeconfig,
                                                                CurlClientOptions options) {
  curl_global_init_once();
  if (!kubeconfig.server.starts_with("https://") && !kubeconfig.server.starts_with("http://")) {
    return fail(ErrorKind::Validation, "kubeconfig " + kubeconfig.source + ": server \"" +
                                           kubeconfig.server +
                                           "\" must start with https:// (or http://)");
  }
  if (!kubeconfig.token.empty() && kubeconfig.server.starts_with("http://")) {
    // Anyone on the path would read the token: refuse instead of sending it in clear text.
    return fail(ErrorKind::Validation, "kubeconfig " + kubeconfig.source +
                                           ": refusing to send a bearer token over plain HTTP to " +
                                           kubeconfig.server + "; use an https:// server");
  }
  return std::unique_ptr<CurlClient>(new CurlClient(kubeconfig, options));
}

Result<std::unique_ptr<CurlClient>> CurlClient::insecure(std::string server,
                                                         CurlClientOptions options) {
  Kubeconfig kc;
  kc.source = "(insecure client for " + server + ")";
  kc.server = std::move(server);
  kc.insecure_skip_tls_verify = true;
  return from_kubeconfig(kc, options);
}

std::uint64_t CurlClient::next_seed() {
  std::lock_guard lock(m_rng_mutex);
  return m_rng();
}

CurlEasy CurlClient::take_handle() {
  {
    std::lock_guard lock(m_pool_mutex);
    if (!m_idle.empty()) {
      CurlEasy h = std::move(m_idle.back());
      m_idle.pop_back();
      // Options back to their defaults; the open connection and TLS session stay.
      curl_easy_reset(h.get());
      return h;
    }
  }
  return CurlEasy(curl_easy_init());
}

void CurlClient::give_back(CurlEasy handle) {
  if (!handle) return;
  std::lock_guard lock(m_pool_mutex);
  m_idle.push_back(std::move(handle));
}

bool CurlClient::prepare(CURL* h, const Request& request, const std::string& body, Duration timeout,
                         CurlSlist& headers, std::string& url, char* errbuf, Attempt& a) {
  url = m_server + request.path;
  bool ok = slist_append(headers, "Accept: application/json");
  if (request.body)
    ok = ok && slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  if (!m_config.token.empty()) {
    std::string auth = "Authorization: Bearer " + m_config.token;
    ok = ok && slist_append(headers, auth.c_str());
    std::fill(auth.begin(), auth.end(), '\0');
  }
  if (!ok) {
    a.code = CURLE_OUT_OF_MEMORY;
    a.curl_error = "out of memory building request headers";
    return false;
  }

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "kadm/" KADM_VERSION);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(timeout, m_options.connect_timeout).count()));
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &a.response.headers);

  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  }

  if (m_config.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!m_config.ca_pem.empty()) {
    // Trust the cluster CA only, not the system store.
    curl_blob ca = blob_of(m_config.ca_pem);
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  }
  if (!m_config.client_cert_pem.empty()) {
    curl_blob cert = blob_of(m_config.client_cert_pem);
    curl_blob key = blob_of(m_config.client_key_pem);
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  return true;
}

CurlClient::Attempt CurlClient::perform_once(const Request& request, const std::string& body,
                                             Duration timeout) {
  Attempt a;
  CurlEasy curl = take_handle();
  if (!curl) {
    a.code = CURLE_FAILED_INIT;
    a.curl_error = http::no_handle_message();
    return a;
  }
  CURL* h = curl.get();
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  std::string url;
  CurlSlist headers;
  if (!prepare(h, request, body, timeout, headers, url, errbuf.data(), a)) return a;
  BodySink sink{&a.response.body, m_options.max_body_bytes};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  // Refused before any byte is read when the server announces a larger Content-Length.
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_options.max_body_bytes));

  a.code = curl_easy_perform(h);
  if (sink.too_large || a.code == CURLE_FILESIZE_EXCEEDED) {
    a.code = CURLE_FILESIZE_EXCEEDED;
    a.curl_error = "the answer to " + request.method + " " + request.path + " is larger than " +
                   size_text(m_options.max_body_bytes) + ", the most kadm accepts";
    a.response.body.clear();
    return a;
  }
  if (a.code != CURLE_OK) {
    a.curl_error = errbuf[0] ? std::string(errbuf.data()) : curl_easy_strerror(a.code);
    return a;  // the handle (and whatever state its connection is in) is dropped
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  a.response.status = static_cast<int>(status);
  give_back(std::move(curl));
  return a;
}

ApiResult<RawResponse> CurlClient::send_raw(const Request& request) {
  const RetryPolicy& policy = m_options.retry;
  const std::string body = request.body ? request.body->dump() : std::string();
  const std::string call = request.method + " " + request.path;
  const auto start = m_clock->now();
  const auto deadline = start + policy.total_deadline;
  Backoff backoff(BackoffPolicy{policy.initial_backoff, policy.multiplier, policy.max_backoff,
                                policy.full_jitter, policy.jitter},
                  next_seed());

  // A write that may have been applied is repeated only when the server asks for it (429, or
  // Retry-After on a 5xx), as client-go does: a repeated POST could create twice (an etcd member,
  // a token).
  const bool idempotent = is_idempotent(request);
  std::optional<ApiError> last;
  for (int attempt = 1;; ++attempt) {
    auto now = m_clock->now();
    if (now >= deadline) break;
    Duration left = std::chrono::duration_cast<Duration>(deadline - now);
    Duration timeout = std::min(request.timeout.value_or(m_options.request_timeout), left);
    timeout = std::max(timeout, Duration(1));

    Attempt a = perform_once(request, body, timeout);
    std::optional<Duration> server_wait;
    if (a.code != CURLE_OK) {
      // Method and path only: bodies may carry token secrets or keys.
      spdlog::debug("{} {}{} failed: {}", request.method, m_server, request.path, a.curl_error);
      ErrorKind kind = is_tls_failure(a.code)               ? ErrorKind::Tls
                       : a.code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::Timeout
                                                            : ErrorKind::Api;
      last = ApiError(kind, "cannot talk to " + m_server + ": " + a.curl_error, 0, "");
      last->with_context(call);
      if (!(idempotent ? retryable(a.code) : never_sent(a.code))) return std::unexpected(*last);
    } else {
      spdlog::debug("{} {}{} {}", request.method, m_server, request.path, a.response.status);
      if (!retryable_status(a.response.status)) return std::move(a.response);
      server_wait = retry_after(a.response);
      if (!idempotent && a.response.status != 429 && !server_wait) return std::move(a.response);
      last = error_from_response(request.method, request.path, a.response.status, a.response.body);
      last->set_retry_after(server_wait);
    }

    if (policy.max_attempts > 0 && attempt >= policy.max_attempts) {
      // with_context on the lvalue: the rvalue overload returns a plain Error (status lost).
      last->with_context("giving up after " + std::to_string(attempt) + " attempts");
      return std::unexpected(std::move(*last));
    }
    Duration wait = backoff.next(server_wait);
    if (m_clock->now() + wait >= deadline) {
      // Waiting would overrun the deadline: say so now instead of sleeping in vain.
      ApiError timed_out(ErrorKind::Timeout,
                         "no successful answer from " + m_server + " within " +
                             seconds_text(policy.total_deadline) + " (" + std::to_string(attempt) +
                             " attempts); last error: " + last->text(),
                         last->http_status(), last->reason());
      return std::unexpected(std::move(timed_out));
    }
    m_clock->sleep_for(wait);
  }
  std::string last_text = last ? "; last error: " + last->text() : "";
  return std::unexpected(ApiError(ErrorKind::Timeout,
                                  "no successful answer from " + m_server + " within " +
                                      seconds_text(policy.total_deadline) + last_text,
                                  last ? last->http_status() : 0, last ? last->reason() : ""));
}

namespace {

// A watch stream: newline-separated JSON events handed on one by one. Stops the transfer
// (CURLE_WRITE_ERROR) when the handler is done, or when one event grows beyond the limit.
struct WatchSink {
  CURL* handle = nullptr;
  const WatchHandler* on_event = nullptr;
  std::size_t max_line = 0;
  std::string pending;
  std::string error_body;  // a non-200 answer, read as a Status
  bool checked_status = false;
  bool ok_status = false;
  bool stopped = false;
  bool too_large = false;
  bool bad_event = false;
};

size_t on_watch_data(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<WatchSink*>(user);
  const size_t n = size * count;
  if (!sink->checked_status) {
    long status = 0;
    curl_easy_getinfo(sink->handle, CURLINFO_RESPONSE_CODE, &status);
    sink->ok_status = status == 200;
    sink->checked_status = true;
  }
  if (!sink->ok_status) {
    if (sink->error_body.size() + n > sink->max_line) return 0;
    sink->error_body.append(data, n);
    return n;
  }
  sink->pending.append(data, n);
  std::size_t line_start = 0;
  for (;;) {
    std::size_t nl = sink->pending.find('\n', line_start);
    if (nl == std::string::npos) break;
    std::string_view line(sink->pending.data() + line_start, nl - line_start);
    line_start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
      sink->bad_event = true;
      return 0;
    }
    WatchEvent ev{event["type"].get<std::string>(),
                  event.contains("object") ? std::move(event["object"]) : json()};
    if ((*sink->on_event)(ev)) {
      sink->stopped = true;
      return 0;
    }
  }
  sink->pending.erase(0, line_start);
  if (sink->pending.size() > sink->max_line) {
    sink->too_large = true;
    return 0;
  }
  return n;
}

}  // namespace

ApiResult<bool> CurlClient::watch(const Request& request, const WatchHandler& on_event) {
  const std::string call = request.method + " " + request.path;
  auto fail_with = [&](ErrorKind kind, std::string text) {
    ApiError e(kind, std::move(text), 0, "");
    e.with_context(call);
    return std::unexpected(std::move(e));
  };
  Attempt a;
  // A handle of its own: a stream is not put back into the pool half read.
  CurlEasy curl(curl_easy_init());
  if (!curl) return fail_with(ErrorKind::Api, http::no_handle_message());
  CURL* h = curl.get();
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  std::string url;
  CurlSlist headers;
  const std::string no_body;
  Duration timeout = std::max(request.timeout.value_or(m_options.request_timeout), Duration{1});
  if (!prepare(h, request, no_body, timeout, headers, url, errbuf.data(), a)) {
    return fail_with(ErrorKind::Api, a.curl_error);
  }
  WatchSink sink;
  sink.handle = h;
  sink.on_event = &on_event;
  sink.max_line = m_options.max_body_bytes;
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_watch_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  CURLcode code = curl_easy_perform(h);
  spdlog::debug("WATCH {}{} ended: {}", m_server, request.path,
                sink.stopped ? "done" : curl_easy_strerror(code));
  if (sink.stopped) return true;
  if (sink.too_large) {
    return fail_with(ErrorKind::Api, "a watch event is larger than " +
                                         size_text(m_options.max_body_bytes) +
                                         ", the most kadm accepts");
  }
  if (sink.bad_event) return fail_with(ErrorKind::Api, "the watch stream is not JSON events");
  if (code != CURLE_OK) {
    std::string text = errbuf[0] ? std::string(errbuf.data()) : curl_easy_strerror(code);
    ErrorKind kind = is_tls_failure(code)               ? ErrorKind::Tls
                     : code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::Timeout
                                                        : ErrorKind::Api;
    return fail_with(kind, "cannot talk to " + m_server + ": " + text);
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    ApiError e = error_from_response(request.method, request.path, static_cast<int>(status),
                                     sink.error_body);
    RawResponse r;
    r.headers = a.response.headers;
    if (retryable_status(static_cast<int>(status))) e.set_retry_after(retry_after(r));
    return std::unexpected(std::move(e));
  }
  return false;  // the server ended the stream (its timeoutSeconds, a restart)
}

ApiResult<json> CurlClient::send(const Request& request) {
  auto raw = send_raw(request);
  if (!raw) return std::unexpected(std::move(raw).error());
  if (raw->status < 200 || raw->status >= 300) {
    ApiError e = error_from_response(request.method, request.path, raw->status, raw->body);
    if (retryable_status(raw->status)) e.set_retry_after(retry_after(*raw));
    return std::unexpected(std::move(e));
  }
  if (raw->body.empty()) return json();
  json parsed = json::parse(raw->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return std::unexpected(
        ApiError(Error(ErrorKind::Api, "the answer to " + request.method + " " + request.path +
                                           " is not valid JSON")));
  }
  return parsed;
}

}  // namespace kadm::apiclient
