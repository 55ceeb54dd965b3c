#pragma once
// The run data of the reset workflow, built once from flags and ResetConfiguration and shared by
// every phase through a typed reference.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "config/types.h"
#include "cri/runtime.h"
#include "host/host.h"
#include "plan/effects.h"
#include "reset/etcd_member.h"
#include "reset/well_known.h"
#include "runenv/environment.h"

namespace kadm::reset {

struct ResetOptions {
  bool force = false;
  bool cleanup_tmp_dir = false;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> unmount_flags;
  std::string cri_socket;
  std::string kubeconfig_path = "/etc/kubernetes/admin.conf";
};

struct ResetData {
  ResetOptions options;
  ResetPaths paths;  // host paths; the host maps them to where they are on disk
  std::unique_ptr<plan::Effects> effects;
  std::unique_ptr<host::Host> host;
  // The etcd member client and the container runtime (dry-run ones for --dry-run; tests inject
  // fakes).
  runenv::Connectors connect;
  std::istream* in = nullptr;   // answers to the confirmation prompt
  std::ostream* out = nullptr;  // the prompt itself and the closing notes
};

}  // namespace kadm::reset
