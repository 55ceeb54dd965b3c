#include "join/join_phases.h"

#include "join/control_plane_join.h"
#include "join/kubelet_start.h"
#include "preflight/preflight.h"

namespace kadm::join {

namespace {

using Phase = workflow::Phase<JoinData>;

bool is_control_plane(const JoinData& d) { return d.cfg.control_plane.has_value(); }

Phase preflight_phase() {
  Phase p;
  p.name = "preflight";
  p.short_help = "Run join pre-flight checks";
  p.long_help = "Run pre-flight checks for kadm join.";
  p.run = [](JoinData& d) -> Status {
    preflight::PreflightOptions o;
    o.ignore_errors = d.options.ignore_preflight_errors;
    o.fix = d.options.fix_preflight;
    o.out = d.out;
    o.images = d.options.dry_run ? preflight::PreflightOptions::Images::DryRun
                                 : preflight::PreflightOptions::Images::Pull;
    return preflight::run_join_preflight(d.cfg, *d.host, *d.effects, o);
  };
  return p;
}

Phase control_plane_step(std::string name, std::string help, Status (*run)(JoinData&)) {
  Phase p;
  p.name = std::move(name);
  p.short_help = std::move(help);
  p.run_if = [](JoinData& d) -> Result<bool> { return is_control_plane(d); };
  p.run = run;
  return p;
}

Phase control_plane_prepare_phase() {
  Phase p;
  p.name = "control-plane-prepare";
  p.short_help = "Prepare the machine for serving a control plane";
  p.children.push_back(
      workflow::all_phase<JoinData>("Prepare the machine for serving a control plane"));
  p.children.push_back(
      control_plane_step("download-certs",
                         "Download the certificates shared among control-plane nodes from the "
                         "kubeadm-certs Secret",
                         run_download_certs));
  p.children.push_back(
      control_plane_step("certs", "Generate the certificates for the new control plane components",
                         run_control_plane_certs));
  p.children.push_back(control_plane_step(
      "kubeconfig", "Generate the kubeconfig for the new control plane components",
      run_control_plane_kubeconfigs));
  p.children.push_back(control_plane_step(
      "control-plane", "Generate the manifests for the new control plane components",
      run_control_plane_manifests));
  return p;
}

Phase control_plane_join_phase() {
  Phase p;
  p.name = "control-plane-join";
  p.short_help = "Join a machine as a control plane instance";
  p.children.push_back(workflow::all_phase<JoinData>("Join a machine as a control plane instance"));
  p.children.push_back(control_plane_step(
      "etcd", "Add a new local etcd member and wait for the local control plane", run_etcd_join));
  p.children.push_back(control_plane_step("mark-control-plane", "Mark a node as a control-plane",
                                          run_join_mark_control_plane));
  return p;
}

Phase kubelet_start_phase() {
  Phase p;
  p.name = "kubelet-start";
  p.short_help = "Write kubelet settings, certificates and (re)start the kubelet";
  p.long_help =
      "Discover the cluster, obtain the kubelet's client certificate with the bootstrap token, "
      "and write kubelet.conf, the kubelet configuration and the cluster CA.";
  p.run = run_kubelet_start;
  return p;
}

}  // namespace

std::vector<workflow::Phase<JoinData>> join_phases() {
  std::vector<Phase> phases;
  phases.push_back(preflight_phase());
  phases.push_back(control_plane_prepare_phase());
  auto check_etcd =
      control_plane_step("check-etcd", "Check that the etcd cluster is healthy", run_check_etcd);
  check_etcd.hidden = true;  // a safety check, not a step users run on its own
  phases.push_back(std::move(check_etcd));
  phases.push_back(kubelet_start_phase());
  phases.push_back(control_plane_join_phase());
  return phases;
}

std::string worker_joined_text() {
  return "\nThis node has joined the cluster:\n"
         "* Certificate signing request was sent to apiserver and a response was received.\n"
         "* The Kubelet was informed of the new secure connection details.\n\n"
         "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n";
}

}  // namespace kadm::join
