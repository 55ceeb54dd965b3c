// `kadm config print|validate|migrate`. The `config` parent is shared with other files
// (`config images`), so it is looked up before being created.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "common/fs.h"
#include "config/defaults.h"
#include "config/load.h"
#include "config/print.h"
#include "config/validate.h"
#include "parent_command.h"
#include "registry.h"

namespace kadm::cli {
namespace {

void print_warnings(const config::LoadedConfig& loaded) {
  for (const auto& w : loaded.warnings) std::cerr << "W " << w << "\n";
}

// Validates every configuration the file holds, after the same static defaults init/join use.
Status run_validate(const std::string& path) {
  auto loaded = KADM_TRY(config::load_config_file(path));
  print_warnings(loaded);
  std::vector<std::string> problems;
  auto append = [&](std::vector<std::string> more) {
    problems.insert(problems.end(), more.begin(), more.end());
  };
  if (loaded.init) {
    config::set_init_defaults(*loaded.init);
    append(config::validate_init(*loaded.init));
  }
  if (loaded.join) {
    config::set_join_defaults(*loaded.join);
    append(config::validate_join(*loaded.join));
  }
  if (loaded.reset) {
    config::set_reset_defaults(*loaded.reset);
    append(config::validate_reset(*loaded.reset));
  }
  if (!loaded.init && !loaded.join && !loaded.reset) {
    return fail(ErrorKind::Validation, path + " contains no kubeadm.k8s.io configuration document");
  }
  KADM_TRY_CTX(config::to_status(problems), path);
  std::cout << "ok\n";
  return {};
}

Result<std::string> migrated_text(const std::string& path) {
  auto loaded = KADM_TRY(config::load_config_file(path));
  print_warnings(loaded);
  std::vector<std::string> docs;
  if (loaded.init) {
    config::set_init_defaults(*loaded.init);
    KADM_TRY_CTX(config::to_status(config::validate_init(*loaded.init)), path);
    if (loaded.has_init_config) docs.push_back(config::init_configuration_yaml(*loaded.init));
    docs.push_back(config::cluster_configuration_yaml(loaded.init->cluster));
  }
  if (loaded.join) {
    config::set_join_defaults(*loaded.join);
    KADM_TRY_CTX(config::to_status(config::validate_join(*loaded.join)), path);
    docs.push_back(config::join_configuration_yaml(*loaded.join));
  }
  if (loaded.reset) {
    config::set_reset_defaults(*loaded.reset);
    docs.push_back(config::reset_configuration_yaml(*loaded.reset));
  }
  if (!loaded.kubelet_config_yaml.empty()) docs.push_back(loaded.kubelet_config_yaml);
  if (!loaded.kube_proxy_config_yaml.empty()) docs.push_back(loaded.kube_proxy_config_yaml);
  if (docs.empty()) {
    return fail(ErrorKind::Validation, path + " contains no configuration document to migrate");
  }
  std::string out;
  for (size_t i = 0; i < docs.size(); ++i) out += (i ? "---\n" : "") + docs[i];
  return out;
}

struct MigrateOptions {
  std::string old_config;
  std::string new_config;
};

Status run_migrate(const MigrateOptions& o) {
  auto text = KADM_TRY(migrated_text(o.old_config));
  if (o.new_config.empty()) {
    std::cout << text;
    return {};
  }
  // Bootstrap tokens and certificate keys are secrets: the new file is private from the start.
  return fs::write_file_atomic(o.new_config, text, 0600);
}

const Registrar reg(500, "config", [](CLI::App& root, Context& ctx) {
  auto* parent = parent_command(root, "config", "Manage configuration for a kadm cluster");

  auto* print = parent->add_subcommand("print", "Print configuration");
  print->require_subcommand(1);
  auto* init_defaults = print->add_subcommand("init-defaults", "Print default init configuration");
  on_run(init_defaults, ctx, [] {
    std::cout << config::print_init_defaults();
    return Status{};
  });
  auto* join_defaults = print->add_subcommand("join-defaults", "Print default join configuration");
  on_run(join_defaults, ctx, [] {
    std::cout << config::print_join_defaults();
    return Status{};
  });

  auto path = std::make_shared<std::string>();
  auto* validate = parent->add_subcommand("validate", "Read a configuration file and validate it");
  validate->add_option("--config", *path, "Path to a kadm configuration file.")->required();
  on_run(validate, ctx, [path] { return run_validate(*path); });

  auto opts = std::make_shared<MigrateOptions>();
  auto* migrate = parent->add_subcommand(
      "migrate", "Read an older version of the kubeadm configuration API and output v1beta4");
  migrate
      ->add_option("--old-config", opts->old_config, "Path to the configuration file to convert.")
      ->required();
  migrate->add_option("--new-config", opts->new_config,
                      "Path to the resulting file; standard output if not given.");
  on_run(migrate, ctx, [opts] { return run_migrate(*opts); });
});

}  // namespace
}  // namespace kadm::cli
