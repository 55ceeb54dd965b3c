#include "manifests/pod.h"

#include "common/yaml_emit.h"

namespace kadm::manifests {
namespace {

using json = nlohmann::json;

json probe_json(const HttpProbe& p) {
  json http = {{"host", p.host}, {"path", p.path}, {"scheme", p.scheme}};
  std::visit([&](const auto& port) { http["port"] = port; }, p.port);
  json j = {{"httpGet", http},
            {"timeoutSeconds", p.timeout_seconds},
            {"periodSeconds", p.period_seconds},
            {"failureThreshold", p.failure_threshold}};
  if (p.initial_delay_seconds != 0) j["initialDelaySeconds"] = p.initial_delay_seconds;
  return j;
}

json container_json(const Container& c) {
  json j = {{"name", c.name},
            {"command", c.command},
            {"image", c.image},
            {"imagePullPolicy", c.image_pull_policy}};
  if (!c.env.empty()) {
    json env = json::array();
    for (const auto& e : c.env) env.push_back({{"name", e.name}, {"value", e.value}});
    j["env"] = env;
  }
  if (c.liveness_probe) j["livenessProbe"] = probe_json(*c.liveness_probe);
  if (c.readiness_probe) j["readinessProbe"] = probe_json(*c.readiness_probe);
  if (c.startup_probe) j["startupProbe"] = probe_json(*c.startup_probe);
  if (!c.ports.empty()) {
    json ports = json::array();
    for (const auto& p : c.ports) {
      ports.push_back(
          {{"containerPort", p.container_port}, {"name", p.name}, {"protocol", p.protocol}});
    }
    j["ports"] = ports;
  }
  j["resources"] = json::object();
  if (!c.resource_requests.empty()) j["resources"]["requests"] = c.resource_requests;
  if (!c.volume_mounts.empty()) {
    json mounts = json::array();
    for (const auto& m : c.volume_mounts) {
      json mj = {{"name", m.name}, {"mountPath", m.mount_path}};
      if (m.read_only) mj["readOnly"] = true;
      mounts.push_back(mj);
    }
    j["volumeMounts"] = mounts;
  }
  return j;
}

}  // namespace

nlohmann::json to_json(const Pod& pod) {
  json meta = {{"name", pod.name}, {"namespace", pod.namespace_}};
  if (!pod.annotations.empty()) meta["annotations"] = pod.annotations;
  if (!pod.labels.empty()) meta["labels"] = pod.labels;
  if (pod.creation_timestamp_null) meta["creationTimestamp"] = nullptr;

  json spec = {{"containers", json::array({container_json(pod.container)})}};
  if (pod.host_network) spec["hostNetwork"] = true;
  if (pod.priority) spec["priority"] = *pod.priority;
  if (!pod.priority_class_name.empty()) spec["priorityClassName"] = pod.priority_class_name;
  if (pod.run_as) {
    spec["securityContext"]["runAsGroup"] = pod.run_as->gid;
    spec["securityContext"]["runAsNonRoot"] = true;
    spec["securityContext"]["runAsUser"] = pod.run_as->uid;
  }
  if (pod.seccomp_profile_type) {
    spec["securityContext"]["seccompProfile"] = {{"type", *pod.seccomp_profile_type}};
  }
  if (!pod.volumes.empty()) {
    json vols = json::array();
    for (const auto& v : pod.volumes) {
      json hp = {{"path", v.path}};
      if (!v.type.empty()) hp["type"] = v.type;
      vols.push_back({{"name", v.name}, {"hostPath", hp}});
    }
    spec["volumes"] = vols;
  }
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", meta},
          {"spec", spec},
          {"status", json::object()}};
}

std::string to_yaml(const Pod& pod) { return yaml::emit(to_json(pod)); }

}  // namespace kadm::manifests
