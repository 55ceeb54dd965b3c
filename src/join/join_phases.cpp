#include "join/join_phases.h"

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
    o.out = d.out;
    return preflight::run_join_preflight(d.cfg, *d.host, *d.effects, o);
  };
  return p;
}

// Named groups of the control-plane join; their steps are not part of kadm yet, so asking for
// them on a control-plane join fails clearly instead of half-joining.
Phase control_plane_group(std::string name, std::string help) {
  Phase p;
  p.name = std::move(name);
  p.short_help = std::move(help);
  p.run_if = [](JoinData& d) -> Result<bool> { return is_control_plane(d); };
  p.run = [](JoinData&) -> Status {
    return fail(ErrorKind::Validation,
                "kadm join --control-plane is not implemented yet; join this host as a worker");
  };
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
  phases.push_back(control_plane_group("control-plane-prepare",
                                       "Prepare the machine for serving a control plane"));
  phases.push_back(kubelet_start_phase());
  phases.push_back(
      control_plane_group("control-plane-join", "Join a machine as a control plane instance"));
  return phases;
}

std::string worker_joined_text() {
  return "\nThis node has joined the cluster:\n"
         "* Certificate signing request was sent to apiserver and a response was received.\n"
         "* The Kubelet was informed of the new secure connection details.\n\n"
         "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n";
}

}  // namespace kadm::join
