#include "join/control_plane_join.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "apiclient/json_access.h"
#include "certs/phase.h"
#include "clusterobjects/control_plane_node.h"
#include "clusterobjects/mark_control_plane_node.h"
#include "clusterobjects/upload_certs_objects.h"
#include "common/net.h"
#include "common/strings.h"
#include "config/version.h"
#include "join/bootstrap_client.h"
#include "join/control_plane_config.h"
#include "join/download_certs.h"
#include "join/etcd_join.h"
#include "join/later_images.h"
#include "kubeconfig/phase.h"
#include "kubelet/kubelet_config.h"
#include "manifests/etcd_identity.h"
#include "manifests/pod.h"
#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "staticpod/health_wait.h"

namespace kadm::join {

namespace {

// Certificates that belong to this host (the CAs and sa come from kubeadm-certs or the disk).
constexpr std::string_view kHostCerts[] = {
    "apiserver", "apiserver-kubelet-client", "front-proxy-client",    "etcd-server",
    "etcd-peer", "etcd-healthcheck-client",  "apiserver-etcd-client",
};
// super-admin.conf stays on the first control-plane node only.
constexpr std::string_view kHostKubeconfigs[] = {"admin", "controller-manager", "scheduler"};

constexpr int kEtcdClientPort = 2379;
constexpr int kEtcdPeerPort = 2380;
constexpr mode_t kManifestMode = 0600;

std::filesystem::path manifests_dir(const JoinData& d) {
  return d.options.kubeconfig_dir / "manifests";
}

bool learner_mode(const config::ClusterConfiguration& cluster) {
  auto it = cluster.feature_gates.find("EtcdLearnerMode");
  return it == cluster.feature_gates.end() || it->second;
}

Duration or_default(Duration d, Duration fallback) { return d.count() > 0 ? d : fallback; }

Result<std::unique_ptr<apiclient::Client>> admin_client(const JoinData& d,
                                                        const config::InitConfiguration& cfg) {
  return d.connect.api(d.options.kubeconfig_dir / "admin.conf",
                       or_default(cfg.timeouts.kubernetes_api_call, Duration{60000}));
}

// The members' own client URLs (from their Pods), so that a join works behind a load balancer
// that forwards only 6443 and after the first control plane is gone; the control-plane
// endpoint's address when no Pod names one (a cluster made before the annotation, a dry run).
Result<std::vector<std::string>> existing_etcd_urls(JoinData& d,
                                                    const config::InitConfiguration& cfg) {
  auto client = admin_client(d, cfg);
  auto listed = client ? etcd_client_urls_from_pods(**client)
                       : Result<std::vector<std::string>>(std::unexpected(client.error()));
  if (listed && !listed->empty()) return std::move(*listed);
  spdlog::debug("[etcd] No etcd Pod names its client URL ({}); using the control-plane endpoint",
                listed ? "none has the annotation" : listed.error().text());
  const auto* cluster = KADM_TRY(d.cluster());
  return std::vector<std::string>{KADM_TRY(existing_etcd_client_url(*d.host, cluster->server))};
}

struct ExistingEtcd {
  std::unique_ptr<etcd::EtcdMembers> client;
  std::vector<etcd::EtcdMember> members;  // as the member that answered listed them
};

// The first existing member that answers a member list; the error names every URL tried.
Result<ExistingEtcd> existing_etcd(JoinData& d, const config::InitConfiguration& cfg) {
  std::vector<std::string> failures;
  for (const auto& url : KADM_TRY(existing_etcd_urls(d, cfg))) {
    auto client = d.connect.etcd(url, cfg.cluster.certificates_dir, "apiserver-etcd-client");
    if (!client) {
      failures.push_back(url + ": " + client.error().text());
      continue;
    }
    auto members = (*client)->list();
    if (!members) {
      failures.push_back(url + ": " + members.error().text());
      continue;
    }
    spdlog::debug("[etcd] Using the existing etcd member at {}", url);
    return ExistingEtcd{std::move(*client), std::move(*members)};
  }
  return fail(ErrorKind::General, "no existing etcd member answered (" + str::join(failures, "; ") +
                                      "); check that etcd runs on the other control-plane nodes");
}

}  // namespace

Result<std::vector<std::string>> etcd_client_urls_from_pods(apiclient::Client& client) {
  auto pods = KADM_TRY(client.list(
      "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd%2Ctier%3Dcontrol-plane"));
  std::vector<std::string> urls;
  for (const auto& pod : apiclient::member(pods, "items")) {
    const auto url =
        apiclient::text_member(apiclient::member(apiclient::member(pod, "metadata"), "annotations"),
                               "kubeadm.kubernetes.io/etcd.advertise-client-urls");
    if (url.empty()) continue;
    for (const auto& one : str::split(url, ',')) {
      if (!one.empty()) urls.push_back(one);
    }
  }
  std::ranges::sort(urls);
  urls.erase(std::unique(urls.begin(), urls.end()), urls.end());
  return urls;
}

Result<std::string> existing_etcd_client_url(const host::Host& host, const std::string& server) {
  auto hp = net::parse_url_host_port(server);
  if (!hp) {
    return fail(ErrorKind::Validation,
                "invalid API server URL \"" + server + "\": " + hp.error().message());
  }
  const std::string& name = hp->host;
  auto addresses = host.resolve(name);
  if (!addresses || addresses->empty()) {
    return fail(ErrorKind::Validation,
                "cannot resolve the control-plane endpoint \"" + name +
                    "\" to find the existing etcd: " +
                    (addresses ? std::string("no address") : addresses.error().message()));
  }
  return net::https_url(addresses->front(), kEtcdClientPort);
}

Result<config::InitConfiguration*> control_plane_config(JoinData& d) {
  if (!d.control_plane_cfg) {
    const auto* cluster = KADM_TRY(d.cluster());
    auto client = KADM_TRY(bootstrap_client(d, *cluster));
    auto cluster_cfg = KADM_TRY(read_cluster_configuration(*client));
    auto cfg = control_plane_init_configuration(cluster_cfg, d.cfg);
    // Every static Pod patch must apply before the first control-plane file is written.
    if (d.patches) KADM_TRY(manifests::check_static_pod_patches(cfg, *d.patches, *d.host));
    d.control_plane_cfg = std::move(cfg);
  }
  return &*d.control_plane_cfg;
}

Status run_download_certs(JoinData& d) {
  const std::string key = d.cfg.control_plane ? d.cfg.control_plane->certificate_key : "";
  if (key.empty()) {
    spdlog::info(
        "[download-certs] Skipping: no --certificate-key; the shared certificates must already "
        "be in place");
    return {};
  }
  const auto* cfg = KADM_TRY(control_plane_config(d));
  spdlog::info(
      "[download-certs] Downloading the certificates in Secret \"{}\" in the \"kube-system\" "
      "Namespace",
      clusterobjects::kKubeadmCertsSecret);
  const auto* cluster = KADM_TRY(d.cluster());
  auto client = KADM_TRY(bootstrap_client(d, *cluster));
  auto secret = client->get("/api/v1/namespaces/kube-system/secrets/" +
                            std::string(clusterobjects::kKubeadmCertsSecret));
  if (!secret) {
    if (secret.error().is_not_found())
      return fail(ErrorKind::NotFound, missing_certs_secret_message());
    return fail(ErrorKind::Api,
                "cannot read the kubeadm-certs Secret: " + secret.error().message());
  }
  auto writes = KADM_TRY(open_kubeadm_certs(*secret, key, cfg->cluster));
  KADM_TRY(d.effects->apply(plan::MakeDir{cfg->cluster.certificates_dir + "/etcd", 0755}));
  return d.effects->apply_all(writes);
}

void start_control_plane_keys(JoinData& d) {
  if (!d.control_plane_keys_wanted || !d.control_plane_cfg) return;
  const auto& cfg = *d.control_plane_cfg;
  for (auto name : kHostCerts) certs::prepare_cert_key(name, cfg, d.pki);
  for (auto name : kHostKubeconfigs) {
    kubeconfig::prepare_kubeconfig_key(name, cfg, d.options.kubeconfig_dir, d.pki);
  }
}

Status run_control_plane_certs(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  start_control_plane_keys(d);
  KADM_TRY(plan::with_held_writes(*d.effects, [&]() -> Status {
    KADM_TRY(certs::begin_certs(*cfg, d.pki));
    for (auto name : kHostCerts) KADM_TRY(certs::run_cert_phase(name, *cfg, d.pki, *d.effects));
    return {};
  }));
  certs::end_certs(*cfg);
  return {};
}

Status run_control_plane_kubeconfigs(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  return plan::with_held_writes(*d.effects, [&]() -> Status {
    KADM_TRY(kubeconfig::begin_kubeconfigs(*cfg, d.options.kubeconfig_dir, d.pki));
    for (auto name : kHostKubeconfigs) {
      KADM_TRY(kubeconfig::run_kubeconfig_phase(name, *cfg, d.options.kubeconfig_dir, d.pki,
                                                *d.effects));
    }
    return {};
  });
}

Status run_control_plane_manifests(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  return manifests::write_control_plane_manifests(*cfg, manifests_dir(d), "", *d.effects,
                                                  d.patch_set(), *d.host);
}

Status run_check_etcd(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  if (!cfg->cluster.etcd.local) return {};
  spdlog::info("[check-etcd] Checking that the etcd cluster is healthy");
  const auto etcd = KADM_TRY(existing_etcd(d, *cfg));
  return check_members_started(etcd.members);
}

Status run_etcd_join(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  if (!cfg->cluster.etcd.local) return {};
  const std::string& name = cfg->node_registration.name;
  const std::string peer_url =
      "https://" + net::join_host_port(cfg->local_api_endpoint.advertise_address, kEtcdPeerPort);
  const bool learner = learner_mode(cfg->cluster);
  // Before the member is announced: nothing local may fail after that. 0700 (CIS 1.1.11).
  KADM_TRY(manifests::ensure_etcd_data_dir(cfg->cluster, *d.effects, d.profile));
  const auto run_as = manifests::etcd_run_as(cfg->cluster, d.profile, *d.host);
  if (run_as) KADM_TRY(manifests::write_etcd_tls(cfg->cluster, *run_as, *d.effects, *d.host));
  auto etcd = KADM_TRY(existing_etcd(d, *cfg));
  auto announced = KADM_TRY(announce_member(*etcd.client, name, peer_url, learner));
  spdlog::info("[etcd] Announced new etcd member joining to the existing etcd cluster");
  auto pod = KADM_TRY(manifests::etcd_pod(*cfg, announced.initial_cluster, *d.host, run_as));
  spdlog::info("[etcd] Creating static Pod manifest for \"etcd\"");
  const std::string manifest = KADM_TRY(manifests::manifest_yaml(pod, d.patch_set()));
  KADM_TRY(manifests::make_manifests_dir(manifests_dir(d), *d.effects));
  KADM_TRY(d.effects->apply(
      plan::WriteFile{manifests_dir(d) / (pod.name + ".yaml"), manifest, kManifestMode, false}));
  PromoteOptions po;
  po.timeout = or_default(cfg->timeouts.etcd_api_call, Duration{120000});
  spdlog::info("[etcd] Waiting for the new etcd member to join the cluster. This can take up to {}",
               format_duration(po.timeout));
  if (announced.learner) {
    KADM_TRY(promote_when_ready(*etcd.client, announced.id, po));
    spdlog::info("[etcd] The learner {} caught up and was promoted to a voting member", name);
  }

  KADM_TRY(preflight::await_images(d, LaterImages::Controllers));
  spdlog::info("[wait-control-plane] Waiting for the local control plane components");
  auto endpoints =
      KADM_TRY(staticpod::control_plane_health_endpoints(*cfg, *d.host, d.patch_set()));
  staticpod::WaitOptions wo;
  wo.timeout = or_default(cfg->timeouts.control_plane_component_health_check, Duration{240000});
  wo.explain = staticpod::runtime_explainer(*d.host, cfg->node_registration.cri_socket,
                                            cfg->node_registration.name);
  wo.answered = preflight::addons_once_apiserver_answers(d);
  return d.connect.wait_healthy(endpoints, wo);
}

Status run_join_mark_control_plane(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  KADM_TRY(preflight::await_images(d, LaterImages::Controllers));
  KADM_TRY(preflight::await_images(d, LaterImages::Addons));
  const std::string& node = cfg->node_registration.name;
  auto version = KADM_TRY(config::parse_kube_version(cfg->cluster.kubernetes_version));
  auto rules = clusterobjects::object_rules(version);
  auto marks = clusterobjects::control_plane_marks(rules, cfg->node_registration.taints);
  spdlog::info("[mark-control-plane] {}", clusterobjects::labels_message(rules, node, marks));
  if (!marks.taints.empty()) {
    spdlog::info("[mark-control-plane] {}", clusterobjects::taints_message(node, marks));
  }
  auto client = KADM_TRY(admin_client(d, *cfg));
  return clusterobjects::mark_control_plane_node(
      *client, node, marks, or_default(cfg->timeouts.kubernetes_api_call, Duration{60000}));
}

Status run_join_approve_serving_cert(JoinData& d) {
  auto* cfg = KADM_TRY(control_plane_config(d));
  auto written =
      KADM_TRY(d.connect.read_written(*d.host, (d.options.kubelet_dir / "config.yaml").string()));
  if (!written || !kubelet::server_tls_bootstrap(*written)) {
    spdlog::debug(
        "[kubelet-finalize] serverTLSBootstrap is off: no serving certificate to approve");
    return {};
  }
  std::unique_ptr<apiclient::Client> client;
  auto connect = [&]() -> Result<apiclient::Client*> {
    if (!client) client = KADM_TRY(admin_client(d, *cfg));
    return client.get();
  };
  return d.connect.approve_serving(connect, cfg->node_registration.name,
                                   or_default(cfg->timeouts.kubernetes_api_call, Duration{60000}),
                                   "[kubelet-finalize]");
}

std::string control_plane_joined_text() {
  return "\nThis node has joined the cluster and a new control plane instance was created:\n\n"
         "* Certificate signing request was sent to apiserver and approval was received.\n"
         "* The Kubelet was informed of the new secure connection details.\n"
         "* Control plane label and taint were applied to the new node.\n"
         "* The Kubernetes control plane instances scaled up.\n"
         "* A new etcd member was added to the local/stacked etcd cluster.\n\n"
         "To start administering your cluster from this node, you need to run the following as "
         "a regular user:\n\n"
         "\tmkdir -p $HOME/.kube\n"
         "\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n"
         "\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\n"
         "Run 'kubectl get nodes' to see this node join the cluster.\n\n";
}

}  // namespace kadm::join
