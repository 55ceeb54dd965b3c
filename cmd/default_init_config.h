#pragma once
// TEMPORARY (pki branch): a default InitConfiguration with the spec defaults, used by the certs and
// kubeconfig commands until the real config loader lands. The lead replaces
// default_init_configuration() with the loader (which also honours --config).

#include <CLI/CLI.hpp>

#include <string>

#include "common/error.h"
#include "config/types.h"

namespace kadm::cli {

struct BaseConfigFlags {
  std::string config_path;        // --config (not supported by this stand-in)
  std::string cert_dir;           // --cert-dir
  std::string advertise_address;  // --apiserver-advertise-address
  std::string node_name;          // --node-name
};

Result<config::InitConfiguration> default_init_configuration(const BaseConfigFlags& flags);

// The parent command `name` (e.g. "certs"), created on first use so registration order is free.
CLI::App* parent_command(CLI::App& root, const std::string& name, const std::string& description);

}  // namespace kadm::cli
