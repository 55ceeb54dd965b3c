#pragma once
// kubeadm's patches (`--patches DIR`, `patches.directory`): files named
// `target[suffix][+patchtype].extension` in a directory, each holding one or more YAML/JSON
// documents, applied in file-name order to the objects kadm writes for their target (the static
// Pod manifests, the kubelet's config.yaml, the CoreDNS Deployment, the kube-proxy DaemonSet).
// Loading checks every file before anything is applied, so a bad patch stops a command before
// it writes; applying works on JSON (the caller serialises the result).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "apiclient/client.h"
#include "common/error.h"
#include "patches/strategic_merge.h"

namespace kadm::patches {

// The API's patch types (strategic, merge, json); kubeadm names each by its media type
// (apiclient::patch_content_type), e.g. "application/strategic-merge-patch+json".
using PatchType = apiclient::PatchType;

// A patch target: its name in file names and the type strategic merge patches see.
struct Target {
  std::string_view name;
  ObjectSchema schema;
};

inline constexpr std::string_view kEtcd = "etcd";
inline constexpr std::string_view kKubeApiserver = "kube-apiserver";
inline constexpr std::string_view kKubeControllerManager = "kube-controller-manager";
inline constexpr std::string_view kKubeScheduler = "kube-scheduler";
inline constexpr std::string_view kKubeletConfiguration = "kubeletconfiguration";
inline constexpr std::string_view kCoreDnsDeployment = "corednsdeployment";
inline constexpr std::string_view kKubeProxyDaemonSet = "kubeproxydaemonset";

// kubeadm v1.37's targets, in its order.
std::span<const Target> known_targets();

// What a file name says.
struct ParsedName {
  std::string target;  // empty: the file is ignored, for `ignore_reason`
  PatchType type = PatchType::StrategicMerge;
  std::string ignore_reason;
};

// Ignored (with a reason) when the extension is not .json/.yaml or no known target starts the
// name; an error when a '+' is not followed by a known patch type.
Result<ParsedName> parse_file_name(std::string_view file_name);

struct PatchFile {
  std::filesystem::path path;
  std::string target;
  PatchType type = PatchType::StrategicMerge;
  std::vector<nlohmann::json> documents;  // one patch each, applied in order
};

class PatchSet {
 public:
  PatchSet() = default;
  explicit PatchSet(std::vector<PatchFile> files) : m_files(std::move(files)) {}

  const std::vector<PatchFile>& files() const { return m_files; }
  bool has(std::string_view target) const;

  // Applies every patch for `target`, in order, to `document`. Logs
  // `[patches] Applied patch of type "<mime>" to target "<target>"` per patch unless quiet.
  // A failing patch is a Validation error naming its file (and document, when it has several).
  Result<nlohmann::json> apply(std::string_view target, nlohmann::json document,
                               bool quiet = false) const;

 private:
  std::vector<PatchFile> m_files;
};

// Reads `dir` (sub-directories too), every entry in byte-wise name order, and parses each patch
// file, logging as kubeadm does. Errors (Validation, or Io for a file that cannot be read) name
// the directory or the file.
Result<PatchSet> load(const std::filesystem::path& dir);

// The patch set of a run: nullopt when `dir` is empty (no --patches, no patches.directory).
Result<std::optional<PatchSet>> load_if_given(const std::string& dir);

}  // namespace kadm::patches
