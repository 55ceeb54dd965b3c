// The configuration loader (config/load.cpp) on any YAML stream: every kind and version kadm
// reads (InitConfiguration, ClusterConfiguration, JoinConfiguration, ResetConfiguration in
// kubeadm.k8s.io v1beta2/v1beta3/v1beta4, KubeletConfiguration, KubeProxyConfiguration). What
// loads is defaulted and validated as `kadm init|join|reset --config` would, then written as
// v1beta4 (`config migrate`); that text loads again and writes the same text. The component
// config documents are merged into the kubelet's and kube-proxy's configuration, and what that
// writes must be YAML.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "clusterobjects/addons.h"

#include "config/defaults.h"
#include "config/load.h"
#include "config/print.h"
#include "config/validate.h"
#include "config/version.h"
#include "kubelet/kubelet_config.h"

namespace {

using namespace kadm;
using namespace kadm::config;

Result<std::string> detect_address() { return std::string("192.0.2.10"); }

// The v1beta4 text of everything kubeadm's documents carried, in a fixed order.
std::string written(const LoadedConfig& c) {
  std::string out;
  if (c.init) {
    out += init_configuration_yaml(*c.init) + "---\n";
    out += cluster_configuration_yaml(c.init->cluster) + "---\n";
  }
  if (c.join) out += join_configuration_yaml(*c.join) + "---\n";
  if (c.reset) out += reset_configuration_yaml(*c.reset) + "---\n";
  return out;
}

void check_same(const std::string& first, const std::string& second, const char* what) {
  if (first == second) return;
  std::fprintf(stderr,
               "%s: written differently after reading it back\n--- first:\n%s\n--- second:\n%s\n",
               what, first.c_str(), second.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto loaded = load_config_text(yaml, "fuzz.yaml");
  if (!loaded) return 0;

  // `config migrate`: v1beta4 out, and that reads back to the same configuration.
  const std::string text = written(*loaded);
  if (!text.empty()) {
    auto again = load_config_text(text, "migrated.yaml");
    if (!again) {
      std::fprintf(stderr, "the written configuration does not load: %s\n%s\n",
                   again.error().text().c_str(), text.c_str());
      std::abort();
    }
    check_same(text, written(*again), "configuration");
  }

  // What init, join and reset do with a loaded file before any phase runs.
  if (loaded->init) {
    InitConfiguration cfg = *loaded->init;
    set_init_defaults(cfg);
    if (set_init_dynamic_defaults(cfg, "node1", detect_address)) (void)validate_init(cfg);
  }
  if (loaded->join) {
    JoinConfiguration cfg = *loaded->join;
    set_join_defaults(cfg);
    if (set_join_dynamic_defaults(cfg, "node1", detect_address)) (void)validate_join(cfg);
  }
  if (!loaded->kubelet_config_yaml.empty()) {
    (void)kubelet::swap_settings(loaded->kubelet_config_yaml);
    kubelet::KubeletConfigInputs in;
    in.user_yaml = loaded->kubelet_config_yaml;
    if (auto out = kubelet::kubelet_config_yaml(in, *parse_kube_version("v1.37.2"))) {
      try {
        (void)YAML::Load(*out);
      } catch (const YAML::Exception& e) {
        std::fprintf(stderr, "the kubelet configuration written is not YAML: %s\n%s\n", e.what(),
                     out->c_str());
        std::abort();
      }
    }
  }
  if (!loaded->kube_proxy_config_yaml.empty()) {
    clusterobjects::KubeProxyInputs in;
    in.user_yaml = loaded->kube_proxy_config_yaml;
    (void)clusterobjects::kube_proxy_config_yaml(in);
  }
  if (loaded->reset) {
    ResetConfiguration cfg = *loaded->reset;
    set_reset_defaults(cfg);
    (void)validate_reset(cfg);
  }
  return 0;
}
