#include "clusterobjects/mark_control_plane_node.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>

#include "apiclient/objects.h"
#include "apiclient/wait.h"
#include "output/wait_progress.h"

namespace kadm::clusterobjects {

namespace {

// The kubelet registers its Node when its retries, which back off up to 7 s, next reach the API
// server: sometimes well after the control plane is ready. Watched for, the marks follow at once
// (a half-second poll added up to half a second).
Result<json> await_node(apiclient::Client& client, const std::string& node, Duration timeout) {
  output::WaitProgress progress("[mark-control-plane]");
  const auto start = std::chrono::steady_clock::now();
  // Only a wait that goes on has progress to show (a Node already there has none).
  std::jthread ticker([&](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any tick;
    std::unique_lock lock(m);
    while (!tick.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; }) &&
           !stop.stop_requested()) {
      progress.update(std::chrono::steady_clock::now() - start, "the Node \"" + node + "\"");
    }
  });
  apiclient::WatchWaitOptions w;
  w.timeout = timeout;
  w.poll_initial = Duration{100};
  w.poll_max = Duration{500};
  w.what = "the Node \"" + node + "\" to be registered";
  auto seen = apiclient::watch_for_object(
      client, "/api/v1/nodes", node, [](const json&) { return true; }, w);
  ticker.request_stop();
  ticker.join();
  if (!seen) return std::unexpected(Error(std::move(seen).error()));
  return std::move(*seen);
}

}  // namespace

Status mark_control_plane_node(apiclient::Client& client, const std::string& node,
                               const ControlPlaneMarks& marks, Duration timeout) {
  const auto start = std::chrono::steady_clock::now();
  json current = KADM_TRY(await_node(client, node, timeout));
  bool fresh = true;
  apiclient::WaitOptions w;
  w.timeout = std::max(
      timeout - std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start),
      Duration{1});
  w.what = "the Node \"" + node + "\" to be marked as control-plane";
  return apiclient::wait_for(
      [&]() -> Result<bool> {
        if (!std::exchange(fresh, false)) {
          auto read = apiclient::get_node(client, node);
          if (!read) return std::unexpected(Error(std::move(read).error()));
          current = std::move(*read);
        }
        auto patch = control_plane_node_patch(current, marks);
        if (patch.is_null()) return true;
        auto r = apiclient::patch_node(client, node, patch, apiclient::PatchType::Merge);
        if (!r) return std::unexpected(Error(std::move(r).error()));
        return true;
      },
      w);
}

}  // namespace kadm::clusterobjects
