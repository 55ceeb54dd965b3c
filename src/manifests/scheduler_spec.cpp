// The kube-scheduler static Pod (spec §3).
#include "manifests/pod_specs.h"

#include <map>
#include <string>
#include <vector>

#include "common/constants.h"
#include "common/strings.h"
#include "manifests/pod_spec_common.h"

namespace kadm::manifests {

using config::Arg;
using namespace detail;

Result<Pod> scheduler_pod(const config::InitConfiguration& cfg, const host::Host& host) {
  const Context c = KADM_TRY(make_context(cfg));
  const auto& sched = c.cluster.scheduler;
  const std::string kubeconfig = kubernetes_file(constants::kSchedulerConf);
  std::map<std::string, std::string> d = loopback_component_flags(kubeconfig);
  d["leader-elect"] = "true";
  if (c.row.kcm_scheduler_port_zero) d["port"] = "0";

  Container k = kubernetes_container(c, "kube-scheduler", d, sched, host);
  const std::string probe_host =
      probe_address(last_arg(sched.extra_args, "bind-address").value_or("127.0.0.1"));
  const int port = constants::kSchedulerPort;
  const std::string live = c.row.scheduler_livez_readyz ? "/livez" : "/healthz";
  k.liveness_probe = probe(c, ProbeKind::Liveness, probe_host, live, port, "HTTPS");
  if (c.row.scheduler_livez_readyz) {
    k.readiness_probe = probe(c, ProbeKind::Readiness, probe_host, "/readyz", port, "HTTPS");
  }
  k.startup_probe = probe(c, ProbeKind::Startup, probe_host, live, port, "HTTPS");
  add_probe_port(c, k, port);
  k.resource_requests = {{"cpu", "100m"}};

  Mounts m;
  m.add_same("kubeconfig", kubeconfig, true, "FileOrCreate");
  m.add_extra(sched.extra_volumes);

  Pod pod = component_pod(c, std::move(k), {});
  m.apply(pod);
  return pod;
}

}  // namespace kadm::manifests
