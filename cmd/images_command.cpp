// kadm config images list|pull (spec §10.1).

#include <iostream>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "common/yaml_emit.h"
#include "config_source.h"
#include "cri/grpc_runtime.h"
#include "cri/image_pull.h"
#include "flag_binders.h"
#include "manifests/images.h"
#include "parent_command.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct ImagesOptions {
  config::InitFlags flags;  // --config, --kubernetes-version, --image-repository, --cri-socket
  std::string output = "text";
};

Status run_list(const ImagesOptions& o) {
  const auto cfg = KADM_TRY(load_init_configuration(o.flags));
  const auto list = KADM_TRY(manifests::images(cfg));
  if (o.output == "text") {
    for (const auto& i : list) std::cout << i << "\n";
    return {};
  }
  if (o.output == "json") {
    nlohmann::ordered_json j = {
        {"kind", "Images"}, {"apiVersion", "output.kubeadm.k8s.io/v1alpha3"}, {"images", list}};
    std::cout << j.dump(4) << "\n";
    return {};
  }
  if (o.output == "yaml") {
    nlohmann::json j = {
        {"kind", "Images"}, {"apiVersion", "output.kubeadm.k8s.io/v1alpha3"}, {"images", list}};
    std::cout << yaml::emit(j);
    return {};
  }
  return fail(ErrorKind::Validation,
              "invalid output format \"" + o.output + "\": use one of text, json, yaml");
}

// Pulls through the container runtime's CRI socket (--cri-socket / nodeRegistration.criSocket),
// honouring imagePullPolicy and imagePullSerial as init's preflight does.
Status run_pull(const ImagesOptions& o) {
  const auto cfg = KADM_TRY(load_init_configuration(o.flags));
  const auto list = KADM_TRY(manifests::images(cfg));
  const auto& node = cfg.node_registration;
  const auto policy = KADM_TRY(cri::parse_pull_policy(node.image_pull_policy));
  auto runtime = KADM_TRY_CTX(cri::GrpcRuntime::connect(node.cri_socket),
                              "connecting to the container runtime");
  if (auto v = runtime->version(); !v) {
    return fail(
        v.error().with_context("could not connect to the container runtime at " + node.cri_socket));
  }
  std::vector<std::string> failed;
  for (const auto& r : cri::ensure_images(*runtime, list, policy, node.image_pull_serial)) {
    switch (r.action) {
      case cri::PullAction::Pulled:
        std::cout << "[config/images] Pulled " << r.image << "\n";
        break;
      case cri::PullAction::AlreadyPresent:
        std::cout << "[config/images] Already present " << r.image << "\n";
        break;
      case cri::PullAction::Failed:
        failed.push_back("failed to pull image " + r.image + ": " + r.error);
        break;
    }
  }
  if (!failed.empty()) return fail(ErrorKind::General, str::join(failed, "\n"));
  return {};
}

void add_common(CLI::App* cmd, ImagesOptions& o) {
  bind_text(cmd, "--config", o.flags.config_path, "Path to a kadm configuration file");
  bind_text(cmd, "--kubernetes-version", o.flags.kubernetes_version,
            "Choose a specific Kubernetes version for the control plane");
  bind_text(cmd, "--image-repository", o.flags.image_repository,
            "Choose a container registry to pull control plane images from");
}

const Registrar reg(600, "config", [](CLI::App& root, Context& ctx) {
  auto* config = parent_command(root, "config", "Manage configuration for a kadm cluster");
  auto* images = config->add_subcommand("images", "Interact with container images used by kadm");
  images->require_subcommand(1);

  auto list_opts = std::make_shared<ImagesOptions>();
  auto* list = images->add_subcommand("list", "Print a list of images kadm will use");
  add_common(list, *list_opts);
  list->add_option("-o,--output", list_opts->output, "Output format: text, json or yaml");
  on_run(list, ctx, [list_opts] { return run_list(*list_opts); });

  auto pull_opts = std::make_shared<ImagesOptions>();
  auto* pull = images->add_subcommand("pull", "Pull images used by kadm");
  add_common(pull, *pull_opts);
  bind_text(pull, "--cri-socket", pull_opts->flags.cri_socket, "Path to the CRI socket to connect");
  on_run(pull, ctx, [pull_opts] { return run_pull(*pull_opts); });
});

}  // namespace
}  // namespace kadm::cli
