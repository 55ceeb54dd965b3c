#pragma once
// Unary gRPC over HTTP/2 on a unix socket, with libcurl (built with nghttp2) as the HTTP/2 stack:
// POST /<package>.<Service>/<Method>, content-type application/grpc, body = one length-prefixed
// message; the outcome is grpc-status / grpc-message, in the headers ("trailers-only") or in the
// trailers. Framing and reply interpretation are pure functions, unit-tested on byte vectors.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/error.h"

namespace kadm::cri::grpc {

// The status codes kadm tells apart (grpc codes.Code).
enum class Code : int {
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  PermissionDenied = 7,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  Unauthenticated = 16,
};
std::string code_name(int code);  // "UNIMPLEMENTED", ... ("code 42" for others)

// 1 byte compressed-flag (0), 4-byte big-endian length, the message.
std::string frame(std::string_view message);
// The single message of a unary reply body. Compressed messages (kadm never offers compression),
// a length that disagrees with the body, and trailing bytes are errors.
Result<std::string> unframe(std::string_view body);

// grpc-message is percent-encoded (RFC 3986 style, %XX); malformed escapes are kept as they are.
std::string percent_decode(std::string_view text);

// What came back over HTTP: status, every header and trailer (lower-case names), the body.
struct RawReply {
  long http_status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

// The outcome of one call: a gRPC status, and the response message when the status is OK.
struct CallResult {
  int code = 0;
  std::string message;   // grpc-message, decoded
  std::string response;  // protobuf bytes (OK only)
  bool ok() const { return code == 0; }
};

// Turns a raw reply into a CallResult; an Error when it is not a gRPC reply at all (other HTTP
// status, no grpc-status, undecodable body).
Result<CallResult> interpret(const RawReply& reply);

struct TransportOptions {
  Duration connect_timeout{5000};
};

// Calls methods on a gRPC server listening on a unix socket. Each call uses its own connection,
// so one transport may serve several threads.
class UnixTransport {
 public:
  explicit UnixTransport(std::string socket_path, TransportOptions options = {});
  /// `method` is "/runtime.v1.RuntimeService/Version". An Error when the call did not reach the
  /// server or the reply is not gRPC; otherwise the server's status (check ok()).
  Result<CallResult> call(std::string_view method, std::string_view request,
                          Duration timeout) const;
  const std::string& socket_path() const { return m_socket; }

 private:
  // One HTTP/2 exchange; `reset` tells a stream reset before any answer (worth one more try).
  Result<CallResult> call_once(std::string_view method, std::string_view request, Duration timeout,
                               bool& reset) const;
  std::string m_socket;
  TransportOptions m_options;
};

}  // namespace kadm::cri::grpc
