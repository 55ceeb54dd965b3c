#include "join/join_phases.h"

#include "join/control_plane_join.h"
#include "join/kubelet_start.h"
#include "join/later_images.h"
#include "preflight/control_plane_join_ready.h"
#include "preflight/cri_checks.h"
#include "preflight/preflight.h"

namespace kadm::join {

namespace {

using Phase = workflow::Phase<JoinData>;

bool is_control_plane(const JoinData& d) { return d.cfg.control_plane.has_value(); }

Phase preflight_phase() {
  Phase p;
  p.name = "preflight";
  p.short_help = "Run join pre-flight checks";
  p.long_help =
      "Run pre-flight checks for kadm join. With --control-plane, also discover the cluster, read "
      "its kubeadm-config and run init's checks for a new control-plane instance against it.";
  p.run = [](JoinData& d) -> Status {
    preflight::PreflightOptions o;
    o.ignore_errors = d.options.ignore_preflight_errors;
    o.fix = d.options.fix_preflight;
    o.out = d.out;
    o.pull_images = d.connect.pull_images;
    // The node's checks and a control plane's image pull ask one runtime, once.
    o.check_set.cri_probe = preflight::make_cri_probe(d.cfg.node_registration.cri_socket);
    // The kubelet's cgroupDriver is the cluster's; kubelet-start compares it once it is read.
    o.check_set.kubelet_cgroup_driver.clear();
    // A worker's checks need nothing from the cluster, so a worker's preflight stays offline.
    KADM_TRY(preflight::preflight_join_node(d.cfg, *d.host, *d.effects, o).status);
    if (!is_control_plane(d)) return {};
    // A control plane is checked against the cluster's configuration (external or local etcd,
    // its data dir), so discover the cluster and read kubeadm-config first, as kubeadm does.
    const auto* node = KADM_TRY(control_plane_config(d));
    start_control_plane_keys(d);  // made during the checks and image pulls below
    bool download_certs = !d.cfg.control_plane->certificate_key.empty();
    KADM_TRY(preflight::ready_for_control_plane_join(node->cluster, download_certs, *d.host));
    o.deferred_images = later_image_groups(d, *node);
    o.deferred_failure_hint =
        "the kubelet keeps trying to pull them: make the registry serve them, or pull them on "
        "this node with 'kadm config images pull'";
    auto outcome =
        preflight::preflight_control_plane_join(*node, download_certs, *d.host, *d.effects, o);
    d.deferred_pull = std::move(outcome.deferred);
    return outcome.status;
  };
  return p;
}

Phase control_plane_step(std::string name, std::string help, Status (*run)(JoinData&)) {
  Phase p = workflow::leaf<JoinData>(std::move(name), std::move(help), run);
  p.run_if = [](JoinData& d) -> Result<bool> { return is_control_plane(d); };
  return p;
}

// Start early: a selected step that makes keys asks for them to be started as soon as this
// node's configuration is known (start_control_plane_keys).
Phase wants_keys(Phase p) {
  p.prepare = [](JoinData& d) {
    if (is_control_plane(d)) d.control_plane_keys_wanted = true;
  };
  return p;
}

// Start early: a step that waits for later images names them, so preflight leaves them to the
// background (join/later_images.h).
Phase awaits_images(Phase p, std::vector<void (*)(JoinData&)> wants) {
  p.prepare = [wants = std::move(wants)](JoinData& d) {
    for (auto want : wants) want(d);
  };
  return p;
}

Phase control_plane_prepare_phase() {
  return workflow::group<JoinData>(
      "control-plane-prepare", "Prepare the machine for serving a control plane",
      "Prepare the machine for serving a control plane",
      {control_plane_step("download-certs",
                          "Download the certificates shared among control-plane nodes from the "
                          "kubeadm-certs Secret",
                          run_download_certs),
       wants_keys(control_plane_step(
           "certs", "Generate the certificates for the new control plane components",
           run_control_plane_certs)),
       wants_keys(control_plane_step("kubeconfig",
                                     "Generate the kubeconfig for the new control plane components",
                                     run_control_plane_kubeconfigs)),
       control_plane_step("control-plane",
                          "Generate the manifests for the new control plane components",
                          run_control_plane_manifests)});
}

Phase control_plane_join_phase() {
  return workflow::group<JoinData>(
      "control-plane-join", "Join a machine as a control plane instance",
      "Join a machine as a control plane instance",
      {awaits_images(control_plane_step(
                         "etcd", "Add a new local etcd member and wait for the local control plane",
                         run_etcd_join),
                     {want_controller_images}),
       awaits_images(control_plane_step("mark-control-plane", "Mark a node as a control-plane",
                                        run_join_mark_control_plane),
                     {want_controller_images, want_addon_images}),
       control_plane_step("approve-serving-cert",
                          "Approve this node's kubelet serving certificate request "
                          "(serverTLSBootstrap) after checking its names",
                          run_join_approve_serving_cert)});
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
