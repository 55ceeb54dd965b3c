#include "join/kubelet_start.h"

#include <spdlog/spdlog.h>

#include "apiclient/curl_client.h"
#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "certs/x509.h"
#include "common/constants.h"
#include "config/load.h"
#include "config/profile.h"
#include "join/bootstrap_client.h"
#include "join/kubelet_bootstrap_wait.h"
#include "join/node_files.h"
#include "kubelet/client_credentials.h"
#include "kubelet/kubelet_config.h"
#include "kubelet/kubelet_service.h"
#include "manifests/images.h"
#include "manifests/version_table.h"
#include "preflight/checks.h"
#include "preflight/cri_checks.h"

namespace kadm::join {

namespace {

using constants::kNodeUserPrefix;

// Everything the node's files are made of, gathered before the first write.
struct NodeFiles {
  std::vector<plan::Action> before_credentials;  // ca.crt, kubelet config, flags
  std::vector<plan::Action> credentials;         // client pem + symlink, kubelet.conf last
};

Result<std::string> read_kubelet_config(apiclient::Client& client, const config::KubeVersion& v) {
  std::string name = kubelet_config_map_name(v);
  auto cm = apiclient::get_configmap(client, apiclient::kKubeSystem, name);
  if (!cm) {
    return fail(ErrorKind::Api, "cannot read the " + name +
                                    " ConfigMap with the bootstrap token: " + cm.error().message());
  }
  std::string yaml = apiclient::text_member(apiclient::member(*cm, "data"), "kubelet");
  if (yaml.empty())
    return fail(ErrorKind::Validation, "the " + name + " ConfigMap has no \"kubelet\" key");
  return yaml;
}

Duration tls_bootstrap_timeout(const JoinData& d) {
  return d.cfg.timeouts.tls_bootstrap.count() > 0 ? d.cfg.timeouts.tls_bootstrap : Duration{300000};
}

// kubeadm's way: the kubelet started with bootstrap-kubelet.conf does the TLS bootstrap; kadm
// waits for its kubelet.conf, then deletes the token kubeconfig whatever the outcome (the kubelet
// holds the credentials it needs in memory; a secret is not left on disk).
Status wait_for_kubelet(JoinData& d, apiclient::Client& client, const DiscoveredCluster& cluster) {
  const auto& kdir = d.options.kubeconfig_dir;
  KubeletBootstrapWait w;
  w.kubelet_conf = kdir / "kubelet.conf";
  w.timeout = tls_bootstrap_timeout(d);
  w.interval = d.options.poll_interval;
  w.node_name = d.cfg.node_registration.name;
  w.ca_pem = cluster.ca_pem;
  // A token's CSRs are filed under system:bootstrap:<id>; a certificate's under its CN.
  if (auto token = tls_bootstrap_token(d, cluster); !token.empty()) {
    w.csr_username = bootstrap_token_user(token);
  } else if (auto cert = certs::load_certificate(cluster.client_cert_pem)) {
    w.csr_username = certs::inspect(cert->get()).common_name;
  }
  auto waited = wait_for_kubelet_bootstrap(w, client);
  auto removed = d.effects->apply(plan::RemoveFile{kdir / "bootstrap-kubelet.conf"});
  KADM_TRY(waited);
  KADM_TRY(removed);
  spdlog::info("[kubelet-start] The kubelet wrote \"{}\" for \"{}{}\"", w.kubelet_conf.string(),
               kNodeUserPrefix, w.node_name);
  return {};
}

// The kubelet's cgroupDriver is the cluster's, known only now: compared with the runtime's as
// preflight compares a planned one (a warning, like the CgroupDriver check).
void warn_cgroup_driver_mismatch(const std::string& kubelet_yaml, const std::string& cri_socket,
                                 const host::Host& host) {
  auto driver = preflight::kubelet_config_cgroup_driver(kubelet_yaml);
  if (!driver) return;
  auto check = preflight::cgroup_driver(*driver, preflight::make_cri_probe(cri_socket), true);
  for (const auto& w : check.run(host).warnings) {
    spdlog::warn("[kubelet-start] WARNING CgroupDriver: {}", w);
  }
}

}  // namespace

Status check_node_name_free(const nlohmann::json& node, std::string_view name) {
  // The API may send `"status": null` or odd members: condition_true reads them without
  // exceptions.
  if (!apiclient::condition_true(node, "Ready")) return {};
  return fail(ErrorKind::Conflict,
              "a Node named \"" + std::string(name) +
                  "\" is already Ready in the cluster: delete that Node first, or join this "
                  "host under another name with --node-name");
}

Status run_kubelet_start(JoinData& d) {
  const DiscoveredCluster& cluster = *KADM_TRY(d.cluster());
  auto client = KADM_TRY(bootstrap_client(d, cluster));
  const std::string node = d.cfg.node_registration.name;

  const bool by_kubelet = d.options.tls_bootstrap == TlsBootstrapMode::Kubelet;
  // Checked before anything is written: without a kubelet nobody would use bootstrap-kubelet.conf.
  // Direct mode does not ask here: stopping and starting the kubelet below ask once.
  if (by_kubelet && !d.host->service_exists("kubelet")) {
    return fail(ErrorKind::Validation,
                "--tls-bootstrap=kubelet needs a kubelet service on this host (systemctl "
                "is-enabled kubelet found none); install and enable the kubelet, or use the "
                "default --tls-bootstrap=direct");
  }
  const BootstrapCredentials creds{tls_bootstrap_token(d, cluster), cluster.client_cert_pem,
                                   cluster.client_key_pem};
  if (by_kubelet && creds.token.empty() &&
      (creds.client_cert_pem.empty() || creds.client_key_pem.empty())) {
    return fail(ErrorKind::Validation,
                "--tls-bootstrap=kubelet needs credentials for the kubelet: a bootstrap token "
                "(--token or --tls-bootstrap-token) or a discovery file with a client "
                "certificate and key");
  }

  auto existing = apiclient::get_node(*client, node);
  if (existing) {
    KADM_TRY(check_node_name_free(*existing, node));
  } else if (!existing.error().is_not_found()) {
    return fail(ErrorKind::Api, "cannot check whether a Node \"" + node +
                                    "\" exists: " + existing.error().message());
  }

  // A control-plane join has read kubeadm-config already.
  auto cluster_cfg = d.control_plane_cfg ? d.control_plane_cfg->cluster
                                         : KADM_TRY(read_cluster_configuration(*client));
  auto version = KADM_TRY(config::parse_kube_version(cluster_cfg.kubernetes_version));
  // The cluster-wide configuration carries the first control plane's runtime endpoint; this
  // node runs its own (kubeadm's NodeLocalCRISocket).
  const auto& cri_socket = d.cfg.node_registration.cri_socket;
  std::string kubelet_yaml = KADM_TRY(kubelet::with_node_runtime_endpoint(
      KADM_TRY(read_kubelet_config(*client, version)), cri_socket, version));
  // This node's kubeletconfiguration patches, applied before anything is written.
  kubelet_yaml = KADM_TRY(kubelet::patched_kubelet_config(kubelet_yaml, d.patch_set()));
  warn_cgroup_driver_mismatch(kubelet_yaml, cri_socket, *d.host);
  std::string instance;
  if (kubelet::has_instance_config(version)) instance = kubelet::instance_config_yaml(cri_socket);
  auto row = KADM_TRY(manifests::version_row(version));
  std::string flags_env = kubelet::kubeadm_flags_env(
      d.cfg.node_registration, "", manifests::pause_image(cluster_cfg, row),
      d.cfg.control_plane.has_value(), version, d.host->hostname().value_or(""));

  const auto& kdir = d.options.kubeconfig_dir;
  const auto& ldir = d.options.kubelet_dir;
  std::filesystem::path ca_path = d.cfg.ca_cert_path.empty()
                                      ? kdir / "pki" / "ca.crt"
                                      : std::filesystem::path(d.cfg.ca_cert_path);

  NodeFiles files;
  files.before_credentials.push_back(plan::WriteFile{ca_path, cluster.ca_pem, 0644, false});

  if (by_kubelet) {
    files.credentials.push_back(
        plan::WriteFile{kdir / "bootstrap-kubelet.conf",
                        bootstrap_kubeconfig(cluster.server, cluster.ca_pem, creds), 0600, true});
  } else {
    const kubelet::ClientCredentialsRequest request{node, cluster.server, cluster.ca_pem,
                                                    kdir, ldir,           tls_bootstrap_timeout(d)};
    files.credentials = KADM_TRY(d.connect.client_credentials(*client, request));
  }

  kubelet::stop_kubelet(*d.host, *d.effects);
  KADM_TRY(d.effects->apply_all(files.before_credentials));
  const auto profile = config::profile_files(d.profile);
  KADM_TRY(kubelet::write_kubelet_files(
      {ldir, flags_env, kubelet_yaml, instance, profile.kubelet_config_mode}, *d.effects));
  if (profile.restrict_kubelet_unit_files) {
    KADM_TRY(kubelet::restrict_kubelet_unit_files(*d.effects));
  }
  KADM_TRY(d.effects->apply_all(files.credentials));
  if (!by_kubelet) {
    spdlog::info("[kubelet-start] Wrote \"{}\" for \"{}{}\"", (kdir / "kubelet.conf").string(),
                 kNodeUserPrefix, node);
  }
  bool started = KADM_TRY(d.connect.start_kubelet(
      *d.host, *d.effects,
      "start a kubelet with --kubeconfig=" + (kdir / "kubelet.conf").string() +
          " --config=" + (ldir / "config.yaml").string()));
  if (started && by_kubelet) return wait_for_kubelet(d, *client, cluster);
  return {};
}

}  // namespace kadm::join
