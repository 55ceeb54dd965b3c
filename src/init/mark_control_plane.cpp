#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "apiclient/objects.h"
#include "apiclient/wait.h"
#include "clusterobjects/control_plane_node.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "output/wait_progress.h"

namespace kadm::init {

Status run_mark_control_plane(InitData& d) {
  auto* client = KADM_TRY(api_client(d));
  const std::string& node = d.cfg.node_registration.name;
  auto rules = clusterobjects::object_rules(d.version);
  auto marks = clusterobjects::control_plane_marks(rules, d.cfg.node_registration.taints);
  spdlog::info("[mark-control-plane] {}", clusterobjects::labels_message(rules, node, marks));
  if (!marks.taints.empty()) {
    spdlog::info("[mark-control-plane] {}", clusterobjects::taints_message(node, marks));
  }
  apiclient::WaitOptions w;
  w.timeout = d.cfg.timeouts.kubernetes_api_call;
  w.what = "the Node \"" + node + "\" to be registered and marked as control-plane";
  // The kubelet registers the Node on its own schedule; read-modify-patch until it sticks.
  output::WaitProgress progress("[mark-control-plane]");
  const auto start = std::chrono::steady_clock::now();
  bool first = true;
  return apiclient::wait_for(
      [&]() -> Result<bool> {
        // Only a wait that goes on has progress to show (a Node already there has none).
        if (!std::exchange(first, false)) {
          progress.update(std::chrono::steady_clock::now() - start, "the Node \"" + node + "\"");
        }
        auto current = apiclient::get_node(*client, node);
        if (!current) return std::unexpected(Error(std::move(current).error()));
        auto patch = clusterobjects::control_plane_node_patch(*current, marks);
        if (patch.is_null()) return true;
        auto r = apiclient::patch_node(*client, node, patch, apiclient::PatchType::Merge);
        if (!r) return std::unexpected(Error(std::move(r).error()));
        return true;
      },
      w);
}

}  // namespace kadm::init
