#pragma once
// The field tables of the kubeadm.k8s.io kinds (one row per YAML key, with the versions it
// exists in), walked by load.cpp to read a document and by print.cpp to write one. To add a
// config field: add its member to types.h and one row to the kind's table here
// (schema_<kind>.cpp); reading, type checks, unknown-field suggestions and printing follow.

#include "config/binding.h"
#include "config/profile.h"
#include "config/types.h"

namespace kadm::config::schema {

// Kinds (schema_init.cpp, schema_cluster.cpp, schema_join.cpp, schema_reset.cpp).
const Rows<InitConfiguration>& init();
const Rows<ClusterConfiguration>& cluster();
const Rows<JoinConfiguration>& join();
const Rows<ResetConfiguration>& reset();

/// kadm.io/v1alpha1 KadmConfiguration (schema_kadm.cpp): its one field, profile, into `out`
/// (Profile::Default when the document does not set it).
void load_kadm_configuration(Ctx& ctx, const YAML::Node& doc, int line,
                             std::optional<Profile>& out);

// Parts more than one kind shares (schema_shared.cpp).
const Rows<NodeRegistration>& node_registration();
const Rows<APIEndpoint>& api_endpoint();
const Rows<ControlPlaneComponent>& control_plane_component();
const Rows<Timeouts>& timeouts();
const Rows<Arg>& arg();
const Rows<EnvVar>& env_var();
const Rows<HostPathMount>& host_path_mount();
const Rows<Taint>& taint();
const Rows<std::string>& patches();  // patches.directory of a string member

/// extraArgs-like fields: a list of {name, value} in v1beta4, a map of flag names to values
/// (sorted by name on reading) before. Printed in the list form unless empty.
template <class T>
Row<T> args(std::string key, std::vector<Arg> T::*member);
/// NodeRegistration.taints: null (not specified) and [] (no taints) differ; always printed.
Row<NodeRegistration> taints();

// The rows InitConfiguration and JoinConfiguration end with: skipPhases, patches, dryRun,
// timeouts.
template <class T>
Rows<T> command_tail() {
  return {
      field("skipPhases", &T::skip_phases, Print::OmitEmpty, since(ApiVersion::V1Beta3)),
      object("patches", &T::patches_directory, &patches, Print::OmitEmpty,
             since(ApiVersion::V1Beta3)),
      field("dryRun", &T::dry_run, Print::OmitEmpty, since(ApiVersion::V1Beta4)),
      object("timeouts", &T::timeouts, &timeouts, Print::Always, since(ApiVersion::V1Beta4)),
  };
}

// The map form of extraArgs before v1beta4.
void load_args_map(Fields& f, const std::string& key, std::vector<Arg>& out);

template <class T>
Row<T> args(std::string key, std::vector<Arg> T::*member) {
  auto r = make_row<T>(std::move(key), kAllVersions, RowRole::Field);
  r.load = [member](Fields& f, const std::string& k, T& t) {
    if (!f.ctx().since(ApiVersion::V1Beta4)) return load_args_map(f, k, t.*member);
    std::vector<Arg> list;
    load_list(f, k, &arg, list, "{name, value} maps (v1beta4 list form)");
    if (!list.empty()) t.*member = std::move(list);
  };
  r.print = [member](YamlValue& m, const std::string& k, const T& t) {
    print_list(m, k, &arg, t.*member);
  };
  r.children = children_of<Arg>(&arg, "[]");
  return r;
}

}  // namespace kadm::config::schema
