#pragma once
// init's part in clusterobjects/controller_accounts.h.

#include "init/init_data.h"

namespace kadm::init {

// Starts creating the controller-manager's ServiceAccounts in the background, with an admin.conf
// client of its own, while the API phases go on (the controller-manager is then still waiting to
// retry its lease). Best effort: the controller-manager creates whatever is missing itself, so a
// failure is only logged. Does nothing when the controller-manager uses no per-controller
// accounts, or when it was already started. The task never logs itself (a test's log capture may
// be gone before the run's data): finish_controller_accounts says what it did.
void start_controller_accounts(InitData& d);

// Waits for the task, if one was started, and logs (debug) what it did.
void finish_controller_accounts(InitData& d);

}  // namespace kadm::init
