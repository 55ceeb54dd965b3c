#pragma once
// Kubernetes API access by path with JSON bodies. `Client` has one transport method (`send`);
// everything else is built on it, so a fake only implements `send`.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/duration.h"
#include "common/error.h"

namespace kadm::apiclient {

using json = nlohmann::json;

// An Error that also remembers the HTTP status and the `reason` of the server's Status object
// ("NotFound", "AlreadyExists", "Conflict", "Forbidden", ...). Converts to kadm::Error by slicing,
// so KADM_TRY works across Result and ApiResult.
class ApiError : public Error {
 public:
  ApiError(Error e) : Error(std::move(e)) {}  // NOLINT: implicit on purpose (KADM_TRY)
  ApiError(ErrorKind kind, std::string message, int http_status, std::string reason)
      : Error(kind, std::move(message)), m_http_status(http_status), m_reason(std::move(reason)) {}

  int http_status() const { return m_http_status; }  // 0: no HTTP answer (connection, TLS, ...)
  const std::string& reason() const { return m_reason; }

  bool is_not_found() const { return m_http_status == 404; }
  bool is_already_exists() const { return m_http_status == 409 && m_reason == "AlreadyExists"; }
  // A write lost against a newer resourceVersion.
  bool is_conflict() const { return m_http_status == 409 && m_reason != "AlreadyExists"; }
  bool is_forbidden() const { return m_http_status == 403; }
  bool is_unauthorized() const { return m_http_status == 401; }
  // The server is overloaded, restarting or not reachable (429, 5xx, timeouts, refused
  // connections): the same request may well succeed later. Never a verdict on credentials.
  bool is_transient() const;

  // What the server asked for with Retry-After (429/503), when it did.
  const std::optional<Duration>& retry_after() const { return m_retry_after; }
  ApiError& set_retry_after(std::optional<Duration> d) {
    m_retry_after = d;
    return *this;
  }

 private:
  int m_http_status = 0;
  std::string m_reason;
  std::optional<Duration> m_retry_after;
};

inline constexpr std::string_view kWatchNotSupported = "WatchNotSupported";

template <class T>
using ApiResult = std::expected<T, ApiError>;

enum class PatchType { Merge, StrategicMerge, Json };
std::string_view patch_content_type(PatchType type);

struct Request {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // "/api/v1/namespaces/kube-system/secrets"
  std::optional<json> body;
  std::string content_type = "application/json";
  std::optional<Duration> timeout;  // per attempt; the client's default otherwise
  // Whether repeating the request after a timeout or a 5xx is harmless; unset: only GET and
  // HEAD are (a POST that is really a read, like etcd's member/list, says so here).
  std::optional<bool> idempotent = std::nullopt;
};

bool is_idempotent(const Request& request);

// One event of a watch stream: "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or "ERROR", and the
// object (a Status for ERROR).
struct WatchEvent {
  std::string type;
  json object;
};
// Called for each event; true stops the watch.
using WatchHandler = std::function<bool(const WatchEvent&)>;

// Builds the ApiError for a non-2xx answer from its status code and (JSON Status) body.
ApiError error_from_response(std::string_view method, std::string_view path, int http_status,
                             std::string_view body);

class Client {
 public:
  virtual ~Client() = default;

  // One logical call (implementations may retry transient failures). 2xx → the JSON body
  // (null for an empty body); anything else → ApiError.
  virtual ApiResult<json> send(const Request& request) = 0;

  // A watch (`request` is a GET with watch=1): calls `on_event` for each event until it returns
  // true (→ true), or the server ends the stream (→ false). One attempt, no retries: the caller
  // decides (re-read and watch again, or poll). Clients that cannot stream answer an error whose
  // reason is kWatchNotSupported.
  virtual ApiResult<bool> watch(const Request& request, const WatchHandler& on_event);

  ApiResult<json> get(std::string_view path);
  ApiResult<json> list(std::string_view path) { return get(path); }
  ApiResult<json> create(std::string_view collection_path, const json& object);
  ApiResult<json> update(std::string_view object_path, const json& object);
  ApiResult<json> patch(std::string_view object_path, const json& patch, PatchType type);
  ApiResult<json> remove(std::string_view object_path);

  // POST to the collection; when the object already exists, read its resourceVersion and PUT,
  // so re-running a phase updates instead of failing. Retries a few times on update conflicts.
  ApiResult<json> create_or_update(std::string_view collection_path, const json& object);
};

}  // namespace kadm::apiclient
