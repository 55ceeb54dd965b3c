// kadm config images list|pull (spec §10.1).
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "manifests/images.h"
#include "manifests/yaml_emit.h"
#include "plan/effects.h"
#include "registry.h"

namespace kadm::cli {
namespace {

// TODO(lead): replace with the config loader's defaults (config::default_init_configuration) and
// stable-1 resolution; until then kadm's newest supported release is the default version.
constexpr std::string_view kFallbackKubernetesVersion = "v1.37.2";
constexpr std::string_view kDefaultCRISocket = "unix:///var/run/containerd/containerd.sock";

struct ImagesOptions {
  std::string kubernetes_version;
  std::string image_repository;
  std::string config_file;
  std::string output = "text";
  std::string cri_socket;
};

// TODO(lead): replace with config::load_init_configuration(); reads only the image-related
// ClusterConfiguration fields.
Result<config::InitConfiguration> image_config(const ImagesOptions& o) {
  config::InitConfiguration cfg;
  cfg.cluster.kubernetes_version = std::string(kFallbackKubernetesVersion);
  cfg.cluster.etcd.local = config::LocalEtcd{};
  if (!o.config_file.empty()) {
    try {
      for (const auto& doc : YAML::LoadAllFromFile(o.config_file)) {
        if (!doc.IsMap() || doc["kind"].as<std::string>("") != "ClusterConfiguration") continue;
        auto& c = cfg.cluster;
        c.kubernetes_version = doc["kubernetesVersion"].as<std::string>(c.kubernetes_version);
        c.image_repository = doc["imageRepository"].as<std::string>("");
        if (const auto dns = doc["dns"]; dns.IsMap()) {
          c.dns.image_repository = dns["imageRepository"].as<std::string>("");
          c.dns.image_tag = dns["imageTag"].as<std::string>("");
          c.dns.disabled = dns["disabled"].as<bool>(false);
        }
        if (const auto proxy = doc["proxy"]; proxy.IsMap()) {
          c.proxy.disabled = proxy["disabled"].as<bool>(false);
        }
        if (const auto etcd = doc["etcd"]; etcd.IsMap() && etcd["external"].IsMap()) {
          c.etcd.local.reset();
          c.etcd.external = config::ExternalEtcd{};
        } else if (etcd.IsMap() && etcd["local"].IsMap()) {
          c.etcd.local->image_repository = etcd["local"]["imageRepository"].as<std::string>("");
          c.etcd.local->image_tag = etcd["local"]["imageTag"].as<std::string>("");
        }
      }
    } catch (const YAML::Exception& e) {
      return fail(ErrorKind::Validation,
                  "cannot read configuration " + o.config_file + ": " + e.what());
    }
  }
  if (!o.kubernetes_version.empty()) cfg.cluster.kubernetes_version = o.kubernetes_version;
  if (!o.image_repository.empty()) cfg.cluster.image_repository = o.image_repository;
  return cfg;
}

Status run_list(const ImagesOptions& o) {
  const auto cfg = KADM_TRY(image_config(o));
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
  const auto cfg = KADM_TRY(image_config(o));
  const auto list = KADM_TRY(manifests::images(cfg));
  const std::string socket = o.cri_socket.empty() ? std::string(kDefaultCRISocket) : o.cri_socket;
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
  cmd->add_option("--kubernetes-version", o.kubernetes_version,
                  "Choose a specific Kubernetes version for the control plane");
  cmd->add_option("--image-repository", o.image_repository,
                  "Choose a container registry to pull control plane images from");
  cmd->add_option("--config", o.config_file, "Path to a kadm configuration file");
}

const Registrar reg(600, [](CLI::App& root, Context& ctx) {
  // Another command file may have created `config` already (CLI11 2.1 has no
  // get_subcommand_no_throw).
  auto found = root.get_subcommands([](CLI::App* a) { return a->get_name() == "config"; });
  CLI::App* config = found.empty()
                         ? root.add_subcommand("config", "Manage configuration for a kadm cluster")
                         : found.front();
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
  pull->add_option("--cri-socket", pull_opts->cri_socket, "Path to the CRI socket to connect");
  on_run(pull, ctx, [pull_opts] { return run_pull(*pull_opts); });
});

}  // namespace
}  // namespace kadm::cli
