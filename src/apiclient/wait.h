#pragma once
// Polling until a condition holds, with an injected clock (short polls, bounded by a timeout).

#include <functional>
#include <string>

#include "apiclient/client.h"
#include "apiclient/clock.h"

namespace kadm::apiclient {

struct WaitOptions {
  Duration interval{500};
  Duration timeout{60000};
  Clock* clock = nullptr;  // null: the real clock
  std::string what;        // "the cluster-info ConfigMap to be signed", for the timeout message
  // Above `interval`: the pause doubles after each "not yet" up to this, so a condition that
  // usually holds within milliseconds is seen at once without polling that fast for minutes.
  Duration max_interval{};
};

// Calls `check` until it returns true. An error or false means "not yet"; the last error is kept
// and reported with the Timeout error when the time runs out.
Status wait_for(const std::function<Result<bool>()>& check, const WaitOptions& options);

// Polls GET `path` until `done(object)` is true; returns that object. NotFound and other errors
// count as "not yet".
ApiResult<json> wait_for_object(Client& client, std::string_view path,
                                const std::function<bool(const json&)>& done,
                                const WaitOptions& options);

struct WatchWaitOptions {
  Duration timeout{60000};
  // Between reads when a watch broke or cannot be had: a backoff with full jitter from
  // `poll_initial` up to `poll_max`, so many waiters do not poll in step.
  Duration poll_initial{1000};
  Duration poll_max{5000};
  // The longest single watch; the server ends it (timeoutSeconds) and it is opened again.
  Duration watch_max{60000};
  Clock* clock = nullptr;  // null: the real clock
  std::string what;        // for the timeout message
};

// Waits until `done(object)` holds for the object `name` in `collection_path` (e.g.
// "/apis/certificates.k8s.io/v1/certificatesigningrequests"): reads it once, then watches it
// from that resourceVersion (`?watch=1&fieldSelector=metadata.name=<name>`), so a waiter costs the
// API server one open stream instead of a request every fraction of a second. An object not there
// yet is watched from the resourceVersion of its collection read with the same selector, so its
// creation ends the wait at once. When the watch breaks (an error, an ERROR event such as 410
// Gone, a stream that ends at once) the object is read again after a pause; after a few broken
// watches, or with a client that cannot watch, it is only polled (slowly). Errors and a missing
// object count as "not yet" until the timeout.
ApiResult<json> watch_for_object(Client& client, std::string_view collection_path,
                                 std::string_view name,
                                 const std::function<bool(const json&)>& done,
                                 const WatchWaitOptions& options);

}  // namespace kadm::apiclient
