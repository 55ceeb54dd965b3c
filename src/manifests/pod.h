#pragma once
// The small part of a Kubernetes Pod that kubeadm's static pods use, and its serialisation in
// kubeadm's key order and style (via JSON, which patches also operate on).

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/fs.h"
#include "config/types.h"

namespace kadm::manifests {

struct HttpProbe {
  std::string host;
  std::string path;
  std::variant<int, std::string> port;  // number, or the name of a container port
  std::string scheme;                   // HTTP | HTTPS
  int initial_delay_seconds = 0;        // 0 is omitted, as in Kubernetes' JSON
  int timeout_seconds = 0;
  int period_seconds = 0;
  int failure_threshold = 0;
};

struct ContainerPort {
  int container_port = 0;
  std::string name;
  std::string protocol;
};

struct VolumeMount {
  std::string name;
  std::string mount_path;
  bool read_only = false;
};

struct HostPathVolume {
  std::string name;
  std::string path;
  std::string type;  // DirectoryOrCreate, FileOrCreate, "" ...
};

struct Container {
  std::string name;
  std::vector<std::string> command;
  std::vector<config::EnvVar> env;  // sorted by name
  std::string image;
  std::string image_pull_policy;
  std::optional<HttpProbe> liveness_probe;
  std::optional<HttpProbe> readiness_probe;
  std::optional<HttpProbe> startup_probe;
  std::vector<ContainerPort> ports;
  std::map<std::string, std::string> resource_requests;  // empty → "resources: {}"
  std::vector<VolumeMount> volume_mounts;                // sorted by name
};

struct Pod {
  std::string name;
  std::string namespace_;
  std::map<std::string, std::string> annotations;
  std::map<std::string, std::string> labels;
  bool creation_timestamp_null = false;
  Container container;
  bool host_network = true;
  std::optional<int> priority;
  std::string priority_class_name;
  std::optional<std::string> seccomp_profile_type;
  // The pod's user and group (runAsNonRoot too); nullopt runs it as the image's user (root).
  std::optional<fs::Owner> run_as{};
  std::vector<HostPathVolume> volumes;  // sorted by name
};

nlohmann::json to_json(const Pod& pod);
// The manifest text kubeadm would write for this pod.
std::string to_yaml(const Pod& pod);

}  // namespace kadm::manifests
