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
};

// Calls `check` until it returns true. An error or false means "not yet"; the last error is kept
// and reported with the Timeout error when the time runs out.
Status wait_for(const std::function<Result<bool>()>& check, const WaitOptions& options);

// Polls GET `path` until `done(object)` is true; returns that object. NotFound and other errors
// count as "not yet".
ApiResult<json> wait_for_object(Client& client, std::string_view path,
                                const std::function<bool(const json&)>& done,
                                const WaitOptions& options);

}  // namespace kadm::apiclient
