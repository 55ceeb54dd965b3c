#include "reset/pod_sandboxes.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "common/strings.h"
#include "cri/sandbox_removal.h"

namespace kadm::reset {

namespace {

constexpr std::string_view kDefaultEndpoint = "unix:///var/run/containerd/containerd.sock";
constexpr std::string_view kEndpointFlag = "--container-runtime-endpoint";
constexpr std::size_t kShortId = 13;  // as crictl shows ids

std::string short_id(const std::string& id) { return id.substr(0, kShortId); }

std::string describe(const cri::PodSandbox& p) {
  std::string name =
      p.metadata.name.empty()
          ? std::string("<unnamed>")
          : (p.metadata.namespace_.empty() ? "" : p.metadata.namespace_ + "/") + p.metadata.name;
  return name + " (" + short_id(p.id) + ")";
}

std::string describe(const cri::Container& c) {
  return "container " + (c.metadata.name.empty() ? std::string("<unnamed>") : c.metadata.name) +
         " (" + short_id(c.id) + ") of sandbox " + short_id(c.pod_sandbox_id);
}

}  // namespace

std::string endpoint_from_flags_env(std::string_view text) {
  // KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///... --node-ip=..."
  for (auto& raw : str::split(text, '\n')) {
    for (char quote : {'"', '\''}) std::erase(raw, quote);
    std::replace(raw.begin(), raw.end(), '\t', ' ');
    auto words = str::split(raw, ' ');
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string_view w = words[i];
      if (auto eq = w.find(kEndpointFlag); eq != std::string_view::npos) {
        w = w.substr(eq + kEndpointFlag.size());
        if (w.starts_with('=')) return std::string(w.substr(1));
        if (w.empty() && i + 1 < words.size()) return words[i + 1];
      }
    }
  }
  return "";
}

std::string endpoint_from_kubelet_yaml(std::string_view text) {
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (!doc.IsMap()) return "";
    auto value = doc["containerRuntimeEndpoint"];
    if (!value || !value.IsScalar()) return "";
    return str::trim(value.as<std::string>());
  } catch (const YAML::Exception&) {
    return "";
  }
}

NodeCriEndpoint node_cri_endpoint(const host::Host& host, const std::filesystem::path& kubelet_dir,
                                  const std::string& configured) {
  if (!configured.empty()) return {configured, "--cri-socket / ResetConfiguration.criSocket"};
  struct Source {
    const char* file;
    std::string (*read)(std::string_view);
    const char* field;
  };
  static constexpr Source kSources[] = {
      {"instance-config.yaml", endpoint_from_kubelet_yaml, "containerRuntimeEndpoint"},
      {"kubeadm-flags.env", endpoint_from_flags_env, "--container-runtime-endpoint"},
      {"config.yaml", endpoint_from_kubelet_yaml, "containerRuntimeEndpoint"},
  };
  for (const auto& s : kSources) {
    auto path = (kubelet_dir / s.file).string();
    auto text = host.read_file(path);
    if (!text) continue;
    if (auto endpoint = s.read(*text); !endpoint.empty()) {
      return {endpoint, std::string(s.field) + " in " + path};
    }
  }
  return {std::string(kDefaultEndpoint), "the default; the kubelet's files do not name one"};
}

SandboxRemovalReport remove_pod_sandboxes(const cri::Runtime& runtime,
                                          const SandboxRemovalOptions& options) {
  SandboxRemovalReport report;
  const auto& endpoint = runtime.endpoint();
  auto listed = runtime.list_pod_sandboxes({});
  if (!listed) {
    spdlog::warn(
        "[reset] Cannot list the pod sandboxes of the container runtime at {}: {}. Its pod "
        "sandboxes and containers were not removed; start the runtime and run reset again, or "
        "remove them with the runtime's own tools",
        endpoint, listed.error().text());
    return report;
  }
  report.reachable = true;
  report.found = listed->size();
  if (listed->empty()) {
    spdlog::info("[reset] The container runtime at {} lists no pod sandboxes; nothing to remove",
                 endpoint);
  } else {
    spdlog::info(
        "[reset] Stopping and removing {} pod sandbox(es) through the container runtime "
        "at {}",
        listed->size(), endpoint);
  }
  for (const auto& sandbox : *listed) {
    spdlog::info("[reset]   {}", describe(sandbox));
    if (auto error =
            cri::stop_and_remove_sandbox(runtime, sandbox.id, options.attempts, options.pause);
        !error.empty()) {
      spdlog::warn("[reset] Failed to remove the pod sandbox {} after {} attempt(s): {}",
                   describe(sandbox), options.attempts, error);
      report.failed.push_back(describe(sandbox) + ": " + error);
      continue;
    }
    ++report.removed;
  }

  // Ask again: reset is done with the runtime only when it lists nothing of the node's pods.
  auto sandboxes = runtime.list_pod_sandboxes({});
  auto containers = runtime.list_containers({});
  if (!sandboxes || !containers) {
    spdlog::warn(
        "[reset] Cannot list the pod sandboxes and containers left in the runtime at {}: {}",
        endpoint, (!sandboxes ? sandboxes.error() : containers.error()).text());
    return report;
  }
  report.verified = true;
  for (const auto& p : *sandboxes) report.left.push_back("pod sandbox " + describe(p));
  for (const auto& c : *containers) report.left.push_back(describe(c));
  const char* tag = options.dry_run ? "[dryrun]" : "[reset]";
  if (!report.left.empty()) {
    spdlog::warn("[reset] The container runtime at {} still lists {} item(s): {}", endpoint,
                 report.left.size(), str::join(report.left, ", "));
  } else if (report.found > 0) {
    spdlog::info(
        "{} {} {} pod sandbox(es); the container runtime at {} lists no pod sandbox and "
        "no container now",
        tag, options.dry_run ? "Would have removed" : "Removed", report.removed, endpoint);
  }
  return report;
}

SandboxRemovalReport remove_pod_sandboxes(const cri::Connector& connect,
                                          const std::string& endpoint,
                                          const SandboxRemovalOptions& options) {
  Result<std::unique_ptr<cri::Runtime>> runtime =
      connect ? connect(endpoint) : fail("kadm has no CRI client here");
  if (!runtime) {
    spdlog::warn(
        "[reset] Cannot reach the container runtime at {}: {}. Its pod sandboxes and containers "
        "were not removed; start the runtime and run reset again, or remove them with the "
        "runtime's own tools",
        endpoint, runtime.error().text());
    return {};
  }
  return remove_pod_sandboxes(**runtime, options);
}

}  // namespace kadm::reset
