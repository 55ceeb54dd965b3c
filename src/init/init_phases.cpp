#include "init/init_phases.h"

#include <spdlog/spdlog.h>

#include "certs/cert_table.h"
#include "certs/phase.h"
#include "init/api_client.h"
#include "init/api_phases.h"
#include "init/controller_accounts.h"
#include "init/image_waits.h"
#include "init/kubelet_start.h"
#include "init/serving_csr_approval.h"
#include "kubeconfig/phase.h"
#include "kubelet/kubelet_config.h"
#include "manifests/write.h"
#include "preflight/checks.h"
#include "preflight/preflight.h"
#include "staticpod/health_wait.h"

namespace kadm::init {

namespace {

using Phase = workflow::Phase<InitData>;

// The cgroupDriver of the KubeletConfiguration this run writes, patches applied (nullopt: it
// sets none).
Result<std::optional<std::string>> planned_cgroup_driver(InitData& d) {
  return preflight::kubelet_config_cgroup_driver(KADM_TRY(
      kubelet::patched_kubelet_config(KADM_TRY(kubelet_config_for(d)), d.patch_set(), true)));
}

Phase preflight_phase() {
  Phase p;
  p.name = "preflight";
  p.short_help = "Run pre-flight checks";
  p.long_help = "Run pre-flight checks for kadm init.";
  p.run = [](InitData& d) -> Status {
    preflight::PreflightOptions o;
    o.ignore_errors = d.options.ignore_preflight_errors;
    o.fix = d.options.fix_preflight;
    o.out = d.out;
    o.target = d.version;
    o.pull_images = d.connect.pull_images;
    o.check_set.planned_kubelet_cgroup_driver = KADM_TRY(planned_cgroup_driver(d));
    o.deferred_images = d.deferred_images;
    o.deferred_failure_hint =
        "the control plane is up: once the images can be pulled, run the same command again "
        "with --skip-phases=preflight";
    auto outcome = preflight::preflight_init(d.cfg, *d.host, *d.effects, o);
    d.deferred_pull = std::move(outcome.deferred);
    if (outcome.status) remember_until_started(d);
    return outcome.status;
  };
  return p;
}

using workflow::group;
using workflow::leaf;

Phase certs_phase() {
  Phase p = group<InitData>(
      "certs", "Certificate generation", "Generate all certificates",
      workflow::leaves_from<InitData>(
          certs::cert_table(), [](const certs::CertDef& def, InitData& d) -> Status {
            return certs::run_cert_phase(def.name, d.cfg, d.pki, *d.effects);
          }));
  p.run = [](InitData& d) -> Status {
    d.effects->hold_writes();
    return certs::begin_certs(d.cfg, d.pki);
  };
  p.finish = [](InitData& d) { return d.effects->commit_writes(); };
  // Start early: every selected row's key is queued before preflight, in table order.
  for (auto& child : p.children) {
    if (child.run_all_siblings) continue;
    child.prepare = [name = child.name](InitData& d) {
      certs::prepare_cert_key(name, d.cfg, d.pki);
    };
  }
  return p;
}

Phase kubeconfig_phase() {
  Phase p = group<InitData>(
      "kubeconfig",
      "Generate all kubeconfig files necessary to establish the control plane and the admin "
      "kubeconfig file",
      "Generate all kubeconfig files",
      workflow::leaves_from<InitData>(
          kubeconfig::kubeconfig_table(),
          [](const kubeconfig::KubeconfigDef& def, InitData& d) -> Status {
            return kubeconfig::run_kubeconfig_phase(def.name, d.cfg, d.options.kubeconfig_dir,
                                                    d.pki, *d.effects);
          }));
  p.run = [](InitData& d) -> Status {
    d.effects->hold_writes();
    return kubeconfig::begin_kubeconfigs(d.cfg, d.options.kubeconfig_dir, d.pki);
  };
  p.finish = [](InitData& d) { return d.effects->commit_writes(); };
  for (auto& child : p.children) {
    if (child.run_all_siblings) continue;
    child.prepare = [name = child.name](InitData& d) {
      kubeconfig::prepare_kubeconfig_key(name, d.cfg, d.options.kubeconfig_dir, d.pki);
    };
  }
  return p;
}

Phase etcd_phase() {
  Phase p;
  p.name = "etcd";
  p.short_help = "Generate static Pod manifest file for local etcd";
  p.children.push_back(
      leaf<InitData>("local",
                     "Generate the static Pod manifest file for a local, single-node local etcd "
                     "instance",
                     [](InitData& d) -> Status {
                       KADM_TRY(await_etcd_images(d));
                       if (!d.cfg.cluster.etcd.local) {
                         spdlog::info(
                             "[etcd] External etcd mode: skipping the creation of a manifest for "
                             "local etcd");
                         return {};
                       }
                       return write_local_etcd(d);
                     }));
  p.children.back().prepare = defer_etcd_start_images;
  return p;
}

// The control-plane components' phases: phase name → static pod.
struct Component {
  std::string_view name;
  std::string_view pod;
  std::string_view long_help;
};
constexpr Component kComponents[] = {
    {"apiserver", "kube-apiserver", "Generates the kube-apiserver static Pod manifest"},
    {"controller-manager", "kube-controller-manager",
     "Generates the kube-controller-manager static Pod manifest"},
    {"scheduler", "kube-scheduler", "Generates the kube-scheduler static Pod manifest"},
};

Phase control_plane_phase() {
  Phase p = group<InitData>(
      "control-plane",
      "Generate all static Pod manifest files necessary to establish the control plane",
      "Generate all static Pod manifest files",
      workflow::leaves_from<InitData>(kComponents, [](const Component& c, InitData& d) -> Status {
        // No pod starts before its images are in: a failed pull leaves nothing running.
        KADM_TRY(await_start_images(d));
        return manifests::write_control_plane_manifests(
            d.cfg, d.manifests_dir(), std::string(c.pod), *d.effects, d.patch_set(), *d.host);
      }));
  p.run = [](InitData& d) -> Status {
    spdlog::info("[control-plane] Using manifest folder \"{}\"", d.manifests_dir().string());
    return {};
  };
  for (auto& child : p.children) {
    if (child.name == "apiserver") child.prepare = defer_apiserver_start_images;
  }
  return p;
}

Phase kubelet_start_phase() {
  Phase p;
  p.name = "kubelet-start";
  p.short_help = "Write kubelet settings and (re)start the kubelet";
  p.long_help =
      "Write a file with KubeletConfiguration and an environment file with node specific "
      "kubelet settings, and then (re)start kubelet.";
  p.run = [](InitData& d) -> Status { return run_kubelet_start(d); };
  return p;
}

Phase wait_control_plane_phase() {
  Phase p;
  p.name = "wait-control-plane";
  p.short_help = "Wait for the control plane to start";
  p.prepare = defer_controller_images;
  p.run = [](InitData& d) -> Status {
    KADM_TRY(preflight::await_images(d, LaterImages::Controllers));
    spdlog::info(
        "[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods "
        "from directory \"{}\"",
        d.manifests_dir().string());
    auto endpoints =
        KADM_TRY(staticpod::control_plane_health_endpoints(d.cfg, *d.host, d.patch_set()));
    staticpod::WaitOptions o;
    o.timeout = d.cfg.timeouts.control_plane_component_health_check;
    o.explain = staticpod::runtime_explainer(*d.host, d.cfg.node_registration.cri_socket,
                                             d.cfg.node_registration.name);
    o.answered =
        [&d, addons = preflight::addons_once_apiserver_answers(d)](const std::string& component) {
          addons(component);
          if (component == "kube-apiserver") start_api_client(d);
        };
    return d.connect.wait_healthy(endpoints, o);
  };
  return p;
}

Phase upload_config_phase() {
  Phase kubeadm =
      leaf<InitData>("kubeadm", "Store the ClusterConfiguration in kube-system/kubeadm-config",
                     [](InitData& d) -> Status {
                       // The first API phase: the controller-manager's accounts start here.
                       KADM_TRY(api_client(d));
                       start_controller_accounts(d);
                       return run_upload_config_kubeadm(d);
                     });
  kubeadm.prepare = [](InitData& d) { d.api_wanted = true; };
  return group<InitData>("upload-config",
                         "Store the cluster and kubelet configuration in ConfigMaps",
                         "Store both configurations",
                         {kubeadm, leaf<InitData>("kubelet",
                                                  "Store the KubeletConfiguration for all kubelets "
                                                  "of the cluster",
                                                  run_upload_config_kubelet)});
}

Phase kubelet_finalize_phase() {
  return group<InitData>("kubelet-finalize",
                         "Adjust the kubelet's kubeconfig once it holds its own certificate",
                         "Run every kubelet-finalize step",
                         {leaf<InitData>("enable-client-cert-rotation",
                                         "Point kubelet.conf at the rotating client certificate",
                                         run_kubelet_finalize),
                          leaf<InitData>("approve-serving-cert",
                                         "Approve this node's kubelet serving certificate request "
                                         "(serverTLSBootstrap) after checking its names",
                                         run_approve_serving_cert)});
}

Phase addon_phase() {
  Phase coredns =
      leaf<InitData>("coredns", "Install CoreDNS and the kube-dns Service", run_addon_coredns);
  coredns.prepare = defer_coredns_image;
  Phase kube_proxy = leaf<InitData>(
      "kube-proxy", "Install the kube-proxy DaemonSet and its configuration", run_addon_kube_proxy);
  kube_proxy.prepare = defer_kube_proxy_image;
  return group<InitData>("addon", "Install the essential addons (CoreDNS, kube-proxy)",
                         "Install every essential addon", {coredns, kube_proxy});
}

}  // namespace

std::vector<workflow::Phase<InitData>> init_phases() {
  std::vector<Phase> phases;
  phases.push_back(preflight_phase());
  phases.push_back(certs_phase());
  phases.push_back(kubeconfig_phase());
  // The kubelet starts (about a second) while the images the control plane starts from are
  // pulled; the manifests follow once they are in (the order of kubeadm v1.20's phases).
  phases.push_back(kubelet_start_phase());
  phases.push_back(etcd_phase());
  phases.push_back(control_plane_phase());
  phases.push_back(wait_control_plane_phase());
  phases.push_back(upload_config_phase());
  phases.push_back(leaf<InitData>(
      "upload-certs", "Store the control-plane CAs, encrypted, in kube-system/kubeadm-certs",
      run_upload_certs));
  phases.push_back(leaf<InitData>("mark-control-plane",
                                  "Label and taint this node as a control-plane node",
                                  run_mark_control_plane));
  phases.push_back(leaf<InitData>(
      "bootstrap-token",
      "Create the bootstrap tokens, cluster-info and the RBAC rules for joining nodes",
      run_bootstrap_token));
  phases.push_back(kubelet_finalize_phase());
  phases.push_back(addon_phase());
  phases.push_back(leaf<InitData>("show-join-command",
                                  "Print how to use the cluster and how to join nodes to it",
                                  [](InitData& d) -> Status {
                                    finish_controller_accounts(d);
                                    return run_show_join_command(d);
                                  }));
  return phases;
}

}  // namespace kadm::init
