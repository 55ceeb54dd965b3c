// The tables of the parts several kinds share (schema.h).
#include <map>

#include "config/schema.h"

namespace kadm::config::schema {

namespace {

// A table whose value is the string itself (patches: {directory: ...}).
Row<std::string> self(std::string key) {
  auto r = make_row<std::string>(std::move(key), kAllVersions, RowRole::Field);
  r.load = [](Fields& f, const std::string& k, std::string& s) { f.get(k, s); };
  r.print = [](YamlValue& m, const std::string& k, const std::string& s) {
    emit(m, k, s, Print::OmitEmpty);
  };
  return r;
}

}  // namespace

void load_args_map(Fields& f, const std::string& key, std::vector<Arg>& out) {
  Ctx& ctx = f.ctx();
  int line = 0;
  const auto* v = f.raw(key, &line);
  if (v == nullptr || v->IsNull()) return;
  if (!v->IsMap()) {
    ctx.error(line, f.child(key),
              "expected a map of flag names to values (" +
                  std::string(api_version_string(ctx.version)) + " form), got " + describe(*v));
    return;
  }
  // A map has no order, so its keys are sorted to keep generated manifests stable.
  std::map<std::string, std::string> sorted;
  for (const auto& kv : *v) {
    std::string value;
    read(ctx, kv.second, line_of(kv.first, line), f.child(key) + "." + kv.first.Scalar(), value);
    sorted[kv.first.Scalar()] = value;
  }
  out.clear();
  for (auto& [name, value] : sorted) out.push_back({name, value});
}

const Rows<Arg>& arg() {
  static const Rows<Arg> rows = {
      field("name", &Arg::name, Print::Always),
      field("value", &Arg::value, Print::Always),
  };
  return rows;
}

const Rows<EnvVar>& env_var() {
  static const Rows<EnvVar> rows = {
      field("name", &EnvVar::name, Print::Always),
      field("value", &EnvVar::value, Print::Always),
      ignored<EnvVar>("valueFrom", "kadm only supports literal values"),
  };
  return rows;
}

const Rows<HostPathMount>& host_path_mount() {
  static const Rows<HostPathMount> rows = {
      field("name", &HostPathMount::name, Print::Always),
      field("hostPath", &HostPathMount::host_path, Print::Always),
      field("mountPath", &HostPathMount::mount_path, Print::Always),
      field("readOnly", &HostPathMount::read_only),
      field("pathType", &HostPathMount::path_type),
  };
  return rows;
}

const Rows<ControlPlaneComponent>& control_plane_component() {
  static const Rows<ControlPlaneComponent> rows = {
      args("extraArgs", &ControlPlaneComponent::extra_args),
      list("extraVolumes", &ControlPlaneComponent::extra_volumes, &host_path_mount),
      list("extraEnvs", &ControlPlaneComponent::extra_envs, &env_var, since(ApiVersion::V1Beta4)),
  };
  return rows;
}

const Rows<Taint>& taint() {
  static const Rows<Taint> rows = {
      field("key", &Taint::key, Print::Always),
      field("value", &Taint::value),
      field("effect", &Taint::effect, Print::Always),
      ignored<Taint>("timeAdded", "only meaningful on Node objects"),
  };
  return rows;
}

Row<NodeRegistration> taints() {
  auto r = make_row<NodeRegistration>("taints", kAllVersions, RowRole::Field);
  r.load = [](Fields& f, const std::string& k, NodeRegistration& n) {
    int line = 0;
    const auto* v = f.raw(k, &line);
    if (v == nullptr || v->IsNull()) return;  // "not specified": control planes get the default
    if (!v->IsSequence()) {
      f.ctx().error(line, f.child(k), "expected a list of taints, got " + describe(*v));
      return;
    }
    std::vector<Taint> list;
    for (size_t i = 0; i < v->size(); ++i) {
      const auto& item = (*v)[i];
      const auto path = f.child(k) + "[" + std::to_string(i) + "]";
      if (!item.IsMap()) {
        f.ctx().error(line_of(item, line), path, "expected a map, got " + describe(item));
        continue;
      }
      Fields t(f.ctx(), item, path, line_of(item, line));
      Taint taint;
      load_document(t, schema::taint(), taint);
      list.push_back(taint);
    }
    n.taints = std::move(list);
  };
  // Always written: null means "not specified" (control planes get the default taint).
  r.print = [](YamlValue& m, const std::string& k, const NodeRegistration& n) {
    auto& out = m[k];
    if (n.taints) {
      out = YamlValue::list();
      for (const auto& t : *n.taints) out.push(print_rows(schema::taint(), t));
    }
  };
  r.children = children_of<Taint>(&schema::taint, "[]");
  return r;
}

const Rows<NodeRegistration>& node_registration() {
  static const Rows<NodeRegistration> rows = {
      field("name", &NodeRegistration::name),
      field("criSocket", &NodeRegistration::cri_socket),
      taints(),
      args("kubeletExtraArgs", &NodeRegistration::kubelet_extra_args),
      field("ignorePreflightErrors", &NodeRegistration::ignore_preflight_errors),
      field("imagePullPolicy", &NodeRegistration::image_pull_policy, Print::OmitEmpty,
            since(ApiVersion::V1Beta3)),
      field("imagePullSerial", &NodeRegistration::image_pull_serial, Print::Always,
            since(ApiVersion::V1Beta4)),
  };
  return rows;
}

const Rows<APIEndpoint>& api_endpoint() {
  static const Rows<APIEndpoint> rows = {
      field("advertiseAddress", &APIEndpoint::advertise_address),
      field("bindPort", &APIEndpoint::bind_port),
  };
  return rows;
}

const Rows<Timeouts>& timeouts() {
  static const Rows<Timeouts> rows = {
      field("controlPlaneComponentHealthCheck", &Timeouts::control_plane_component_health_check),
      field("kubeletHealthCheck", &Timeouts::kubelet_health_check),
      field("kubernetesAPICall", &Timeouts::kubernetes_api_call),
      field("etcdAPICall", &Timeouts::etcd_api_call),
      field("tlsBootstrap", &Timeouts::tls_bootstrap),
      field("discovery", &Timeouts::discovery),
      field("upgradeManifests", &Timeouts::upgrade_manifests),
  };
  return rows;
}

const Rows<std::string>& patches() {
  static const Rows<std::string> rows = {self("directory")};
  return rows;
}

}  // namespace kadm::config::schema
