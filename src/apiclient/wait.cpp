#include "apiclient/wait.h"

#include <algorithm>
#include <optional>

#include "apiclient/backoff.h"

namespace kadm::apiclient {

Status wait_for(const std::function<Result<bool>()>& check, const WaitOptions& options) {
  Clock& clock = options.clock ? *options.clock : real_clock();
  const auto deadline = clock.now() + options.timeout;
  std::string last_error;
  Duration interval = options.interval;
  for (;;) {
    auto r = check();
    if (r && *r) return {};
    if (!r) last_error = r.error().text();
    auto now = clock.now();
    if (now >= deadline) break;
    auto left = std::chrono::duration_cast<Duration>(deadline - now);
    clock.sleep_for(std::min(interval, left));
    if (options.max_interval > interval) interval = std::min(interval * 2, options.max_interval);
  }
  std::string msg = "timed out after " + format_duration(options.timeout) + " waiting for " +
                    (options.what.empty() ? std::string("the condition") : options.what);
  if (!last_error.empty()) msg += "; last error: " + last_error;
  return fail(ErrorKind::Timeout, msg);
}

ApiResult<json> wait_for_object(Client& client, std::string_view path,
                                const std::function<bool(const json&)>& done,
                                const WaitOptions& options) {
  json found;
  auto status = wait_for(
      [&]() -> Result<bool> {
        auto got = client.get(path);
        if (!got) return std::unexpected(Error(std::move(got).error()));
        if (!done(*got)) return false;
        found = std::move(*got);
        return true;
      },
      options);
  if (!status) return std::unexpected(ApiError(std::move(status).error()));
  return found;
}

}  // namespace kadm::apiclient

namespace kadm::apiclient {

namespace {

// After this many broken watches in a row the wait only polls.
constexpr int kMaxBrokenWatches = 3;
// A watch that ends sooner than this without an answer counts as broken (no busy loop against
// a server or proxy that closes streams at once).
constexpr Duration kShortestHealthyWatch{1000};

std::string resource_version(const json& object) {
  const json* md =
      object.is_object() && object.contains("metadata") ? &object["metadata"] : nullptr;
  if (!md || !md->is_object() || !md->contains("resourceVersion")) return {};
  const json& rv = (*md)["resourceVersion"];
  return rv.is_string() ? rv.get<std::string>() : std::string();
}

}  // namespace

ApiResult<json> watch_for_object(Client& client, std::string_view collection_path,
                                 std::string_view name,
                                 const std::function<bool(const json&)>& done,
                                 const WatchWaitOptions& options) {
  Clock& clock = options.clock ? *options.clock : real_clock();
  const auto deadline = clock.now() + options.timeout;
  const std::string object_path = std::string(collection_path) + "/" + std::string(name);
  Backoff pause(BackoffPolicy{options.poll_initial, 2.0, options.poll_max, true, 0});
  int broken_watches = 0;
  std::string last_error;
  auto left = [&] {
    return std::max(std::chrono::duration_cast<Duration>(deadline - clock.now()), Duration::zero());
  };

  const std::string selector = "?fieldSelector=metadata.name%3D" + std::string(name);
  for (;;) {
    std::optional<Duration> server_wait;
    std::string rv;
    bool watchable = false;
    auto got = client.get(object_path);
    if (got) {
      if (done(*got)) return got;
      rv = resource_version(*got);
      watchable = true;
    } else {
      last_error = got.error().text();
      server_wait = got.error().retry_after();
      if (got.error().is_not_found()) {
        // Not there yet: the collection's version, read with the same selector, is where a
        // watch sees it arrive (an object created in between is in the list itself).
        auto listed = client.list(std::string(collection_path) + selector);
        if (listed && listed->is_object()) {
          for (const auto& item : listed->value("items", json::array())) {
            if (done(item)) return item;
          }
          rv = resource_version(*listed);
          watchable = !rv.empty();
        }
      }
    }

    if (watchable && broken_watches < kMaxBrokenWatches && left() > Duration::zero()) {
      Duration length = std::min(left(), options.watch_max);
      auto seconds =
          std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(length).count());
      Request w;
      w.method = "GET";
      w.path = std::string(collection_path) + selector +
               "&watch=1&timeoutSeconds=" + std::to_string(seconds);
      if (!rv.empty()) w.path += "&resourceVersion=" + rv + "&allowWatchBookmarks=false";
      // The server ends the stream after timeoutSeconds; the client's own bound is a little
      // longer, so that a dead connection cannot hold the wait past its deadline for long.
      w.timeout = std::min(left(), length + Duration{2000});
      std::optional<json> found;
      bool error_event = false;
      const auto started = clock.now();
      auto watched = client.watch(w, [&](const WatchEvent& ev) {
        if (ev.type == "ERROR") {
          error_event = true;  // typically 410 Gone: the version is too old; read again
          return true;
        }
        if ((ev.type == "ADDED" || ev.type == "MODIFIED") && done(ev.object)) {
          found = ev.object;
          return true;
        }
        return false;
      });
      if (found) return *found;
      const bool short_lived = clock.now() - started < kShortestHealthyWatch;
      if (!watched) {
        last_error = watched.error().text();
        server_wait = watched.error().retry_after();
        broken_watches =
            watched.error().reason() == kWatchNotSupported ? kMaxBrokenWatches : broken_watches + 1;
      } else if (error_event || short_lived) {
        ++broken_watches;
      } else {
        broken_watches = 0;
        pause.reset();
        continue;  // the server ended a healthy stream: read and watch again at once
      }
    }

    Duration remaining = left();
    if (remaining <= Duration::zero()) break;
    clock.sleep_for(std::min(pause.next(server_wait), remaining));
    if (left() <= Duration::zero()) {
      // One last read: the deadline is for waiting, not for an answer already there.
      auto last = client.get(object_path);
      if (last && done(*last)) return last;
      if (!last) last_error = last.error().text();
      break;
    }
  }
  std::string msg = "timed out after " + format_duration(options.timeout) + " waiting for " +
                    (options.what.empty() ? std::string("the object") : options.what);
  if (!last_error.empty()) msg += "; last error: " + last_error;
  return std::unexpected(ApiError(Error(ErrorKind::Timeout, msg)));
}

}  // namespace kadm::apiclient
