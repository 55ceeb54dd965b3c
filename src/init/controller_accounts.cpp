#include "init/controller_accounts.h"

#include <spdlog/spdlog.h>

#include "clusterobjects/controller_accounts.h"

namespace kadm::init {

namespace {

// Short: this only saves the controller-manager time, and a failed init waits for it on exit.
constexpr Duration kCallTimeout{5000};

}  // namespace

void start_controller_accounts(InitData& d) {
  if (d.controller_accounts.valid()) return;
  if (!clusterobjects::controller_manager_uses_accounts(d.cfg.cluster)) return;
  auto client = d.connect.api(d.admin_conf(), kCallTimeout);
  if (!client) {
    spdlog::debug("[init] not creating the controller-manager's ServiceAccounts: {}",
                  client.error().text());
    return;
  }
  d.controller_accounts = std::async(std::launch::async, [c = std::move(*client)]() {
    auto created = clusterobjects::create_controller_accounts(*c);
    if (!created)
      return "left the controller-manager's ServiceAccounts to it: " + created.error().text();
    return "created " + std::to_string(*created) + " ServiceAccounts of the controller-manager";
  });
}

void finish_controller_accounts(InitData& d) {
  if (!d.controller_accounts.valid()) return;
  spdlog::debug("[init] {}", d.controller_accounts.get());
}

}  // namespace kadm::init
