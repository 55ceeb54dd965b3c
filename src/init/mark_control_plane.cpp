#include <spdlog/spdlog.h>

#include "clusterobjects/mark_control_plane_node.h"
#include "init/api_client.h"
#include "init/api_phases.h"

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
  return clusterobjects::mark_control_plane_node(*client, node, marks,
                                                 d.cfg.timeouts.kubernetes_api_call);
}

}  // namespace kadm::init
