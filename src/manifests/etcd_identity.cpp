#include "manifests/etcd_identity.h"

#include <cstdint>

#include "config/defaults.h"

namespace kadm::manifests {

namespace {
std::string pki_etcd_dir(const config::ClusterConfiguration& cluster) {
  return config::certificates_dir_or_default(cluster) + "/etcd";
}
}  // namespace

const std::vector<std::string_view>& etcd_tls_files() {
  static const std::vector<std::string_view> files = {"ca.crt", "peer.crt", "peer.key",
                                                      "server.crt", "server.key"};
  return files;
}

std::string etcd_data_dir(const config::ClusterConfiguration& cluster) {
  if (!cluster.etcd.local) return "";
  return config::etcd_data_dir_or_default(cluster);
}

std::optional<fs::Owner> etcd_run_as(const config::ClusterConfiguration& cluster,
                                     config::Profile profile, const host::Host& host) {
  const std::string dir = etcd_data_dir(cluster);
  if (dir.empty() || config::profile_files(profile).etcd_data_dir_owner.empty()) {
    return std::nullopt;
  }
  auto owner = host.owner_of(dir);
  if (!owner || owner->uid == 0) return std::nullopt;
  return owner;
}

std::optional<fs::Owner> pod_run_as(const nlohmann::json& pod) {
  // A manifest read back from YAML has signed numbers.
  auto id = [](const nlohmann::json& obj, const char* key) -> std::optional<std::int64_t> {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  const auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) return std::nullopt;
  const auto sc = spec->find("securityContext");
  if (sc == spec->end() || !sc->is_object()) return std::nullopt;
  const auto user = id(*sc, "runAsUser");
  if (!user || *user <= 0) return std::nullopt;
  const auto group = id(*sc, "runAsGroup");
  return fs::Owner{static_cast<uid_t>(*user), static_cast<gid_t>(group && *group > 0 ? *group : 0)};
}

std::string etcd_tls_dir(const config::ClusterConfiguration& cluster,
                         const std::optional<fs::Owner>& run_as) {
  return run_as ? std::string(kEtcdTlsDir) : pki_etcd_dir(cluster);
}

Status write_etcd_tls(const config::ClusterConfiguration& cluster, fs::Owner owner,
                      plan::Effects& effects, const host::Host& host) {
  const std::string from = pki_etcd_dir(cluster);
  const std::string to(kEtcdTlsDir);
  std::vector<plan::Action> writes;
  for (const auto name : etcd_tls_files()) {
    const std::string source = from + "/" + std::string(name);
    auto content = host.read_file(source);
    if (!content) {
      return fail_with(
          std::move(content),
          "cannot copy " + source + " for etcd, which runs as uid " + std::to_string(owner.uid));
    }
    writes.push_back(plan::WriteFile{to + "/" + std::string(name), std::move(*content), 0600,
                                     name.ends_with(".key"), owner});
  }
  KADM_TRY_CTX(effects.apply(plan::MakeDir{to, 0700, true, owner}),
               "failed to create etcd's TLS directory " + to);
  KADM_TRY_CTX(effects.apply_all(writes), "failed to copy etcd's certificates to " + to);
  return {};
}

Status refresh_etcd_tls(const config::ClusterConfiguration& cluster, plan::Effects& effects,
                        const host::Host& host) {
  const auto owner = host.owner_of(std::string(kEtcdTlsDir) + "/server.crt");
  if (!owner) return {};
  return write_etcd_tls(cluster, *owner, effects, host);
}

}  // namespace kadm::manifests
