#include "cri/grpc.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <array>
#include <charconv>
#include <cstring>
#include <mutex>

#include "common/strings.h"
#include "http/curl_handles.h"

namespace kadm::cri::grpc {

namespace {

constexpr std::size_t kPrefixBytes = 5;
// A reply larger than this is not a CRI answer kadm asked for; stop reading instead of growing.
constexpr std::size_t kMaxReplyBytes = 16u << 20;

struct NamedCode {
  int code;
  const char* name;
};
constexpr NamedCode kCodeNames[] = {
    {0, "OK"},
    {1, "CANCELLED"},
    {2, "UNKNOWN"},
    {3, "INVALID_ARGUMENT"},
    {4, "DEADLINE_EXCEEDED"},
    {5, "NOT_FOUND"},
    {6, "ALREADY_EXISTS"},
    {7, "PERMISSION_DENIED"},
    {8, "RESOURCE_EXHAUSTED"},
    {9, "FAILED_PRECONDITION"},
    {10, "ABORTED"},
    {11, "OUT_OF_RANGE"},
    {12, "UNIMPLEMENTED"},
    {13, "INTERNAL"},
    {14, "UNAVAILABLE"},
    {15, "DATA_LOSS"},
    {16, "UNAUTHENTICATED"},
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Sink {
  std::string* body;
  bool too_big = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->body->size() + size * count > kMaxReplyBytes) {
    sink->too_big = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, size * count);
  return size * count;
}

}  // namespace

std::string code_name(int code) {
  for (const auto& c : kCodeNames) {
    if (c.code == code) return c.name;
  }
  return "code " + std::to_string(code);
}

std::string frame(std::string_view message) {
  std::string out(kPrefixBytes, '\0');
  auto n = static_cast<std::uint32_t>(message.size());
  for (int i = 0; i < 4; ++i)
    out[static_cast<std::size_t>(1 + i)] = static_cast<char>(n >> (24 - 8 * i));
  out.append(message);
  return out;
}

Result<std::string> unframe(std::string_view body) {
  if (body.size() < kPrefixBytes) {
    return fail(ErrorKind::General, "gRPC reply body of " + std::to_string(body.size()) +
                                        " bytes is shorter than a message prefix");
  }
  auto flag = static_cast<std::uint8_t>(body[0]);
  if (flag == 1)
    return fail(ErrorKind::General, "gRPC reply is compressed, which kadm never asks for");
  if (flag != 0) {
    return fail(ErrorKind::General,
                "gRPC reply has an invalid compressed flag " + std::to_string(flag));
  }
  std::uint32_t length = 0;
  for (std::size_t i = 1; i < kPrefixBytes; ++i) {
    length = (length << 8) | static_cast<std::uint8_t>(body[i]);
  }
  std::size_t rest = body.size() - kPrefixBytes;
  if (length != rest) {
    return fail(ErrorKind::General, "gRPC reply announces a " + std::to_string(length) +
                                        "-byte message but carries " + std::to_string(rest) +
                                        " bytes");
  }
  return std::string(body.substr(kPrefixBytes));
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

Result<CallResult> interpret(const RawReply& reply) {
  if (reply.http_status != 200) {
    return fail(ErrorKind::General, "the server answered HTTP " +
                                        std::to_string(reply.http_status) + ", not a gRPC reply");
  }
  auto status = reply.headers.find("grpc-status");
  if (status == reply.headers.end()) {
    return fail(ErrorKind::General, "the reply carries no grpc-status (not a gRPC server?)");
  }
  CallResult r;
  const auto& text = status->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), r.code);
  if (ec != std::errc{} || end != text.data() + text.size() || r.code < 0) {
    return fail(ErrorKind::General, "invalid grpc-status \"" + text + "\"");
  }
  if (auto m = reply.headers.find("grpc-message"); m != reply.headers.end()) {
    r.message = percent_decode(m->second);
  }
  if (r.ok()) {
    auto message = unframe(reply.body);
    if (!message) return std::unexpected(message.error());
    r.response = std::move(*message);
  }
  return r;
}

UnixTransport::UnixTransport(std::string socket_path, TransportOptions options)
    : m_socket(std::move(socket_path)), m_options(options) {}

Result<CallResult> UnixTransport::call(std::string_view method, std::string_view request,
                                       Duration timeout) const {
  // Every CRI method kadm calls is safe to repeat: reads, PullImage of one reference, and
  // StopPodSandbox / RemovePodSandbox, which the CRI requires to be idempotent.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    bool reset = false;
    auto r = call_once(method, request, timeout, reset);
    if (r || !reset || attempt >= kAttempts) return r;
    spdlog::debug("[cri] {} on {}: stream reset before an answer, trying again", method, m_socket);
  }
}

Result<CallResult> UnixTransport::call_once(std::string_view method, std::string_view request,
                                            Duration timeout, bool& reset) const {
  http::curl_global_init_once();
  struct stat st {};
  if (::stat(m_socket.c_str(), &st) != 0) {
    return fail(ErrorKind::NotFound, "no socket at " + m_socket);
  }
  if (!S_ISSOCK(st.st_mode)) return fail(ErrorKind::General, m_socket + " is not a socket");

  http::CurlEasy curl(curl_easy_init());
  if (!curl) return fail(ErrorKind::General, http::no_handle_message());
  CURL* h = curl.get();
  http::CurlSlist headers;
  bool ok = http::slist_append(headers, "Content-Type: application/grpc") &&
            http::slist_append(headers, "TE: trailers") &&
            http::slist_append(headers, "Accept:") &&  // drop curl's default
            http::slist_append(headers, "Expect:");
  if (!ok) return fail(ErrorKind::General, "out of memory building gRPC headers");

  std::string url = "http://localhost" + std::string(method);
  std::string body = frame(request);
  RawReply reply;
  Sink sink{&reply.body};
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, m_socket.c_str());
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf.data());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "kadm/" KADM_VERSION);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(m_options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http::collect_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply.headers);

  spdlog::debug("[cri] calling {} on {}", method, m_socket);
  CURLcode code = curl_easy_perform(h);
  if (sink.too_big) {
    return fail(ErrorKind::General, std::string(method) + ": reply larger than " +
                                        std::to_string(kMaxReplyBytes) + " bytes");
  }
  // A server that answers before reading the request (e.g. UNIMPLEMENTED, sent as a
  // trailers-only reply) may then reset the stream it no longer needs (RST_STREAM NO_ERROR, which
  // HTTP/2 allows); libcurl reports that as a stream error although the whole answer, status
  // included, has arrived. Seen with containerd 1.6 under load.
  if (code == CURLE_HTTP2_STREAM && reply.headers.contains("grpc-status")) {
    spdlog::debug("[cri] {} answered, then reset the stream: using the answer", method);
    code = CURLE_OK;
  }
  // A busy runtime sometimes resets a new stream before answering it (seen with containerd 1.6
  // under load, about one call in a few hundred).
  reset = code == CURLE_HTTP2_STREAM || code == CURLE_HTTP2 || code == CURLE_GOT_NOTHING;
  if (code != CURLE_OK) {
    std::string detail = errbuf[0] ? std::string(errbuf.data()) : curl_easy_strerror(code);
    long os_errno = 0;
    // curl words socket failures in TCP terms ("localhost port 80"); the errno says it plainly.
    if (code == CURLE_COULDNT_CONNECT &&
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0) {
      detail = "cannot connect: " + std::string(std::strerror(static_cast<int>(os_errno)));
    }
    auto kind = code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::Timeout : ErrorKind::General;
    return fail(kind, std::string(method) + " on " + m_socket + ": " + detail);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.http_status);
  auto result = interpret(reply);
  if (!result) return fail_with(result, std::string(method) + " on " + m_socket);
  return result;
}

}  // namespace kadm::cri::grpc
