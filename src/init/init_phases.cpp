#include "init/init_phases.h"

#include <spdlog/spdlog.h>

#include "certs/cert_table.h"
#include "certs/phase.h"
#include "init/api_phases.h"
#include "init/kubelet_start.h"
#include "init/wait_control_plane.h"
#include "kubeconfig/phase.h"
#include "manifests/write.h"
#include "preflight/preflight.h"

namespace kadm::init {

namespace {

using Phase = workflow::Phase<InitData>;

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
    o.images = d.options.dry_run ? preflight::PreflightOptions::Images::DryRun
                                 : preflight::PreflightOptions::Images::Pull;
    return preflight::run_init_preflight(d.cfg, *d.host, *d.effects, o);
  };
  return p;
}

Phase certs_phase() {
  Phase p;
  p.name = "certs";
  p.short_help = "Certificate generation";
  p.run = [](InitData& d) -> Status { return certs::begin_certs(d.cfg, d.pki); };
  p.children.push_back(workflow::all_phase<InitData>("Generate all certificates"));
  for (const auto& def : certs::cert_table()) {
    Phase c;
    c.name = std::string(def.name);
    c.short_help = std::string(def.long_help);
    std::string name(def.name);
    c.run = [name](InitData& d) -> Status {
      return certs::run_cert_phase(name, d.cfg, d.pki, *d.effects);
    };
    p.children.push_back(std::move(c));
  }
  return p;
}

Phase kubeconfig_phase() {
  Phase p;
  p.name = "kubeconfig";
  p.short_help =
      "Generate all kubeconfig files necessary to establish the control plane and the "
      "admin kubeconfig file";
  p.run = [](InitData& d) -> Status {
    return kubeconfig::begin_kubeconfigs(d.cfg, d.options.kubeconfig_dir, d.pki);
  };
  p.children.push_back(workflow::all_phase<InitData>("Generate all kubeconfig files"));
  for (const auto& def : kubeconfig::kubeconfig_table()) {
    Phase c;
    c.name = std::string(def.name);
    c.short_help = std::string(def.long_help);
    std::string name(def.name);
    c.run = [name](InitData& d) -> Status {
      return kubeconfig::run_kubeconfig_phase(name, d.cfg, d.options.kubeconfig_dir, d.pki,
                                              *d.effects);
    };
    p.children.push_back(std::move(c));
  }
  return p;
}

Phase etcd_phase() {
  Phase local;
  local.name = "local";
  local.short_help =
      "Generate the static Pod manifest file for a local, single-node local etcd instance";
  local.run = [](InitData& d) -> Status {
    if (!d.cfg.cluster.etcd.local) {
      spdlog::info("[etcd] External etcd mode: skipping the creation of a manifest for local etcd");
      return {};
    }
    return manifests::write_local_etcd_manifest(d.cfg, d.manifests_dir(), *d.effects);
  };
  Phase p;
  p.name = "etcd";
  p.short_help = "Generate static Pod manifest file for local etcd";
  p.children.push_back(std::move(local));
  return p;
}

Phase control_plane_phase() {
  Phase p;
  p.name = "control-plane";
  p.short_help = "Generate all static Pod manifest files necessary to establish the control plane";
  p.run = [](InitData& d) -> Status {
    spdlog::info("[control-plane] Using manifest folder \"{}\"", d.manifests_dir().string());
    return {};
  };
  p.children.push_back(workflow::all_phase<InitData>("Generate all static Pod manifest files"));
  struct Component {
    const char* phase;
    const char* pod;
    const char* help;
  };
  static constexpr Component kComponents[] = {
      {"apiserver", "kube-apiserver", "Generates the kube-apiserver static Pod manifest"},
      {"controller-manager", "kube-controller-manager",
       "Generates the kube-controller-manager static Pod manifest"},
      {"scheduler", "kube-scheduler", "Generates the kube-scheduler static Pod manifest"},
  };
  for (const auto& comp : kComponents) {
    Phase c;
    c.name = comp.phase;
    c.short_help = comp.help;
    std::string pod = comp.pod;
    c.run = [pod](InitData& d) -> Status {
      return manifests::write_control_plane_manifests(d.cfg, d.manifests_dir(), pod, *d.effects);
    };
    p.children.push_back(std::move(c));
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
  p.run = [](InitData& d) -> Status {
    spdlog::info(
        "[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods "
        "from directory \"{}\"",
        d.manifests_dir().string());
    auto endpoints = KADM_TRY(control_plane_health_endpoints(d.cfg));
    if (d.effects->dry_run()) {
      // Nothing was started, so there is nothing to wait for; say what would be checked.
      for (const auto& ep : endpoints) {
        spdlog::info("[dryrun] Would wait for {} to answer at {}", ep.component, ep.url);
      }
      return {};
    }
    WaitOptions o;
    o.timeout = d.cfg.timeouts.control_plane_component_health_check;
    return wait_for_healthy(endpoints, o);
  };
  return p;
}

Phase leaf(std::string name, std::string help, Status (*run)(InitData&)) {
  Phase p;
  p.name = std::move(name);
  p.short_help = std::move(help);
  p.run = run;
  return p;
}

Phase upload_config_phase() {
  Phase p;
  p.name = "upload-config";
  p.short_help = "Store the cluster and kubelet configuration in ConfigMaps";
  p.children.push_back(workflow::all_phase<InitData>("Store both configurations"));
  p.children.push_back(leaf("kubeadm",
                            "Store the ClusterConfiguration in kube-system/kubeadm-config",
                            run_upload_config_kubeadm));
  p.children.push_back(leaf("kubelet",
                            "Store the KubeletConfiguration for all kubelets of the cluster",
                            run_upload_config_kubelet));
  return p;
}

Phase kubelet_finalize_phase() {
  Phase p;
  p.name = "kubelet-finalize";
  p.short_help = "Adjust the kubelet's kubeconfig once it holds its own certificate";
  p.children.push_back(workflow::all_phase<InitData>("Run every kubelet-finalize step"));
  p.children.push_back(leaf("enable-client-cert-rotation",
                            "Point kubelet.conf at the rotating client certificate",
                            run_kubelet_finalize));
  return p;
}

Phase addon_phase() {
  Phase p;
  p.name = "addon";
  p.short_help = "Install the essential addons (CoreDNS, kube-proxy)";
  p.children.push_back(workflow::all_phase<InitData>("Install every essential addon"));
  p.children.push_back(
      leaf("coredns", "Install CoreDNS and the kube-dns Service", run_addon_coredns));
  p.children.push_back(leaf("kube-proxy", "Install the kube-proxy DaemonSet and its configuration",
                            run_addon_kube_proxy));
  return p;
}

}  // namespace

std::vector<workflow::Phase<InitData>> init_phases() {
  std::vector<Phase> phases;
  phases.push_back(preflight_phase());
  phases.push_back(certs_phase());
  phases.push_back(kubeconfig_phase());
  phases.push_back(etcd_phase());
  phases.push_back(control_plane_phase());
  phases.push_back(kubelet_start_phase());
  phases.push_back(wait_control_plane_phase());
  phases.push_back(upload_config_phase());
  phases.push_back(leaf("upload-certs",
                        "Store the control-plane CAs, encrypted, in kube-system/kubeadm-certs",
                        run_upload_certs));
  phases.push_back(leaf("mark-control-plane", "Label and taint this node as a control-plane node",
                        run_mark_control_plane));
  phases.push_back(
      leaf("bootstrap-token",
           "Create the bootstrap tokens, cluster-info and the RBAC rules for joining nodes",
           run_bootstrap_token));
  phases.push_back(kubelet_finalize_phase());
  phases.push_back(addon_phase());
  phases.push_back(leaf("show-join-command",
                        "Print how to use the cluster and how to join nodes to it",
                        run_show_join_command));
  return phases;
}

}  // namespace kadm::init
