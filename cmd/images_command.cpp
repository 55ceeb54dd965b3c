// kadm config images list|pull (spec §10.1).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config_source.h"
#include "flag_binders.h"
#include "manifests/images.h"
#include "manifests/yaml_emit.h"
#include "parent_command.h"
#include "plan/effects.h"
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
    std::cout << manifests::to_go_yaml(j);
    return {};
  }
  return fail(ErrorKind::Validation,
              "invalid output format \"" + o.output + "\": use one of text, json, yaml");
}

bool on_path(std::string_view tool) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    std::error_code ec;
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / std::string(tool);
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

Status run_pull(const ImagesOptions& o) {
  const auto cfg = KADM_TRY(load_init_configuration(o.flags));
  const auto list = KADM_TRY(manifests::images(cfg));
  const std::string& socket = cfg.node_registration.cri_socket;
  std::vector<std::string> base;
  if (on_path("crictl")) {
    base = {"crictl", "--runtime-endpoint", socket, "pull"};
  } else if (on_path("ctr")) {
    base = {"ctr", "-n", "k8s.io", "images", "pull"};
  } else {
    return fail(ErrorKind::NotFound,
                "no container runtime client found: install crictl (cri-tools) or ctr "
                "(containerd) and make sure it is on PATH");
  }
  for (const auto& image : list) {
    auto argv = base;
    argv.push_back(image);
    if (auto r = plan::run_command(argv); !r) {
      return fail(ErrorKind::General, "failed to pull image " + image + ": " + r.error().text());
    }
    std::cout << "[config/images] Pulled " << image << "\n";
  }
  return {};
}

void add_common(CLI::App* cmd, ImagesOptions& o) {
  bind_text(cmd, "--config", o.flags.config_path, "Path to a kadm configuration file");
  bind_text(cmd, "--kubernetes-version", o.flags.kubernetes_version,
            "Choose a specific Kubernetes version for the control plane");
  bind_text(cmd, "--image-repository", o.flags.image_repository,
            "Choose a container registry to pull control plane images from");
}

const Registrar reg(600, [](CLI::App& root, Context& ctx) {
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
