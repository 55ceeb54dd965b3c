#include "init/skipped_addons.h"

#include <algorithm>

namespace kadm::init {

Status disable_skipped_addons(const workflow::Workflow<InitData>& wf,
                              const std::vector<std::string>& skip,
                              config::ClusterConfiguration& cluster) {
  if (skip.empty()) return {};
  workflow::SelectOptions sel;
  sel.skip = skip;
  const auto selected = KADM_TRY(wf.select(sel));
  const auto& flat = wf.flat();
  auto skipped = [&](std::string_view name) {
    auto it = std::ranges::find_if(flat, [&](const auto& p) { return p.full_name == name; });
    return it != flat.end() && !selected[static_cast<size_t>(it - flat.begin())];
  };
  if (skipped("addon/coredns")) cluster.dns.disabled = true;
  if (skipped("addon/kube-proxy")) cluster.proxy.disabled = true;
  return {};
}

}  // namespace kadm::init
