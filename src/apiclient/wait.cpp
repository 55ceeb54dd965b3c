#include "apiclient/wait.h"

namespace kadm::apiclient {

Status wait_for(const std::function<Result<bool>()>& check, const WaitOptions& options) {
  Clock& clock = options.clock ? *options.clock : real_clock();
  const auto deadline = clock.now() + options.timeout;
  std::string last_error;
  for (;;) {
    auto r = check();
    if (r && *r) return {};
    if (!r) last_error = r.error().text();
    auto now = clock.now();
    if (now >= deadline) break;
    auto left = std::chrono::duration_cast<Duration>(deadline - now);
    clock.sleep_for(std::min(options.interval, left));
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
