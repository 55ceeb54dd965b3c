#include "init/kubelet_finalize.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "common/yaml_emit.h"
#include "init/api_phases.h"

namespace kadm::init {

std::string rotatable_kubelet_conf(const apiclient::Kubeconfig& kc, const std::string& pem_path) {
  nlohmann::json cluster = {{"server", kc.server}};
  if (!kc.ca_pem.empty()) cluster["certificate-authority-data"] = str::base64_encode(kc.ca_pem);
  if (!kc.ca_file.empty()) cluster["certificate-authority"] = kc.ca_file;
  nlohmann::json doc = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters", nlohmann::json::array({{{"name", kc.cluster_name}, {"cluster", cluster}}})},
      {"contexts", nlohmann::json::array(
                       {{{"name", kc.context_name},
                         {"context", {{"cluster", kc.cluster_name}, {"user", kc.user_name}}}}})},
      {"current-context", kc.context_name},
      {"preferences", nlohmann::json::object()},
      {"users", nlohmann::json::array(
                    {{{"name", kc.user_name},
                      {"user", {{"client-certificate", pem_path}, {"client-key", pem_path}}}}})},
  };
  return yaml::emit(doc);
}

Status run_kubelet_finalize(InitData& d) {
  const auto pem = d.options.kubelet_dir / kKubeletClientCurrentPem;
  const auto conf = d.options.kubeconfig_dir / "kubelet.conf";
  const bool present = d.host->exists(pem.string());  // follows the symlink to the rotated pem
  if (!present) {
    spdlog::info(
        "[kubelet-finalize] Skipping client certificate rotation: \"{}\" does not exist (the "
        "kubelet has not obtained a rotatable client certificate)",
        pem.string());
    return {};
  }
  auto kc = KADM_TRY_CTX(kubeconfig::load(conf), "reading " + conf.string());
  if (kc.client_cert_file == pem.string() && kc.client_key_file == pem.string()) return {};
  spdlog::info(
      "[kubelet-finalize] Updating \"{}\" to point to a rotatable kubelet client certificate and "
      "key",
      conf.string());
  return d.effects->apply(
      plan::WriteFile{conf, rotatable_kubelet_conf(kc, pem.string()), 0600, true});
}

}  // namespace kadm::init
