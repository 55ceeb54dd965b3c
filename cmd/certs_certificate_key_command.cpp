#include <iostream>

#include "certs/pin.h"
#include "parent_command.h"
#include "registry.h"

namespace kadm::cli {
namespace {

Status run_certificate_key() {
  auto key = KADM_TRY(certs::generate_certificate_key());
  std::cout << key << "\n";
  return {};
}

const Registrar reg(320, "certs", [](CLI::App& root, Context& ctx) {
  auto* certs =
      parent_command(root, "certs", "Commands related to handling Kubernetes certificates");
  auto* cmd = certs->add_subcommand(
      "certificate-key",
      "Generate a new key to encrypt the control-plane certificates uploaded to the cluster");
  on_run(cmd, ctx, [] { return run_certificate_key(); });
});

}  // namespace
}  // namespace kadm::cli
