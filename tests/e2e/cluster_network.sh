#!/usr/bin/env bash
# A kadm cluster that works end to end: kadm init and two kadm joins, then flannel installed from
# its own manifest (images from the mirror, the cluster's pod CIDR). The kubelets turn their
# Nodes Ready only then. Pods on different nodes reach each other; DNS answers for the API
# Service and for a Service in another namespace; a ClusterIP Service is answered by all three
# replicas from a pod on another node; a NodePort Service answers on every node's address from a
# host outside the cluster. With kube-proxy gone from every node, a new Service does not answer;
# it does once kube-proxy is back. CoreDNS, kube-proxy and flannel have 0 restarts two minutes
# after they started, and run the configuration kadm wrote.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
source "$TESTS_DIR/e2e/lib/workload.sh"

export HARNESS_POD_NETWORK=flannel
harness_node_up cp1 10.213.0.71
harness_node_up w1 10.213.0.72
harness_node_up w2 10.213.0.73
harness_host_up outside 10.213.0.74
pod_cidr=10.244.0.0/16
kadm_join_ready_control_plane cp1
join=$(kadm_init_worker_join_command cp1)
read -r -a jargs <<<"$join"
for w in w1 w2; do
  harness_exec "$w" "$KADM" "${jargs[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}" >"$(harness_host_root "$w")/logs/join.log" 2>&1 ||
    { cat "$(harness_host_root "$w")/logs/join.log" >&2; fail "kadm join failed on $w"; }
done
kc() { kadm_kubectl cp1 "$@"; }
have_node() { kc get node "$1" >/dev/null 2>&1; }
for n in w1 w2; do retry 60 have_node "$n" || fail "the kubelet of $n did not register its Node"; done

# No pod network yet: the kubelets say so themselves.
reason=$(kc get node w1 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].message}')
[[ $(kc get node w1 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') != True ]] ||
  fail "w1 is Ready before any pod network is installed"
echo "before the pod network, w1: $reason"
[[ $reason == *network* || $reason == *cni* ]] || fail "w1's NotReady reason does not name the network: $reason"

t=$(date +%s%N)
harness_pod_network_up cp1 "$pod_cidr"
for n in cp1 w1 w2; do kadm_wait_node_ready cp1 "$n" 120; done
echo "flannel installed, every node Ready after $(ms_since "$t") ms"
for n in cp1 w1 w2; do
  sub=$(kc get node "$n" -o 'jsonpath={.spec.podCIDR}')
  # flanneld writes it once it holds its lease, just after its pod runs.
  retry 30 harness_exec "$n" grep -qx "FLANNEL_SUBNET=${sub%.*}.1/${sub#*/}" /run/flannel/subnet.env 2>/dev/null ||
    fail "$n: flannel's subnet.env does not match the node's podCIDR $sub"
done

# kadm's addons run the configuration kadm wrote.
kc -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null ||
  { kadm_diagnose_unscheduled cp1 >&2; fail "deployment/coredns did not roll out"; }
kc -n kube-system rollout status daemonset/kube-proxy --timeout=180s >/dev/null ||
  { kadm_diagnose_unscheduled cp1 >&2; fail "daemonset/kube-proxy did not roll out"; }
proxy_nodes=$(kc -n kube-system get pods -l k8s-app=kube-proxy -o 'jsonpath={.items[*].spec.nodeName}' | tr ' ' '\n' | sort | tr '\n' ' ')
[[ $proxy_nodes == "cp1 w1 w2 " ]] || fail "kube-proxy does not run on every node: $proxy_nodes"
cm_cidr=$(kc -n kube-system get cm kube-proxy -o 'jsonpath={.data.config\.conf}' | awk '$1 == "clusterCIDR:" { print $2 }')
[[ $cm_cidr == "$pod_cidr" ]] || fail "kube-proxy ConfigMap clusterCIDR is '$cm_cidr'"
configz=$(harness_exec w1 curl -sf http://127.0.0.1:10249/configz) || fail "kube-proxy on w1 serves no /configz"
live=$(python3 -c 'import json,sys; c=json.load(sys.stdin)["kubeproxy.config.k8s.io"]; print(c["clusterCIDR"], c["mode"] or "iptables")' <<<"$configz")
mode=$(harness_exec w1 curl -sf http://127.0.0.1:10249/proxyMode)
[[ $live == "$pod_cidr "* && $mode == "${live#* }" ]] || fail "running kube-proxy: clusterCIDR/mode '$live', proxyMode '$mode'"
echo "kube-proxy on every node; running with clusterCIDR $pod_cidr, mode $mode (as in the ConfigMap kadm wrote)"
corefile=$(kc -n kube-system get cm coredns -o 'jsonpath={.data.Corefile}')
grep -q 'kubernetes cluster.local in-addr.arpa ip6.arpa' <<<"$corefile" || fail "the Corefile kadm wrote lacks the kubernetes plugin: $corefile"
mounted=$(kc -n kube-system get deploy coredns -o 'jsonpath={.spec.template.spec.volumes[?(@.configMap.name=="coredns")].configMap.name}')
[[ $mounted == coredns ]] || fail "CoreDNS does not mount the coredns ConfigMap"

# The workload, spread over the workers, and a probe pod on the control-plane node.
workload_apply cp1 demo
workload_probe_pod cp1 probe cp1
pods=$(workload_pods cp1 demo)
echo "$pods" | sed 's/^/  replica: /'
[[ $(awk '{print $2}' <<<"$pods" | sort -u | tr '\n' ' ') == "w1 w2 " ]] || fail "the replicas are not spread over w1 and w2"
replicas=$(awk '{print $1}' <<<"$pods" | sort)

# Pod to pod across nodes, by pod IP.
while read -r name node ip; do
  got=$(workload_dial cp1 probe "$ip" 8080 2) || fail "the probe on cp1 cannot reach $name on $node at $ip"
  [[ $got == "$name" ]] || fail "$ip answered '$got', not $name"
done <<<"$pods"
echo "pod to pod: the probe on cp1 reaches each replica on w1 and w2 by its pod IP"

# DNS: the API Service by its full name, a Service in another namespace by its short form.
harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf -n probe exec probe -- \
  /agnhost connect --timeout=5s kubernetes.default.svc.cluster.local:443 ||
  fail "the probe cannot connect to kubernetes.default.svc.cluster.local:443"
echo "DNS: kubernetes.default.svc.cluster.local resolves and its ClusterIP answers"

# ClusterIP by DNS name from another namespace: every replica answers.
got=$(workload_dial cp1 probe web.demo 80 30) || fail "the ClusterIP Service web.demo does not answer"
[[ $(sort <<<"$got") == "$replicas" ]] || fail "web.demo was answered by '$(tr '\n' ' ' <<<"$got")', not by every replica"
echo "ClusterIP: web.demo (from namespace probe, on cp1) answered by all of: $(tr '\n' ' ' <<<"$got")"

# NodePort: reached from a host outside the cluster on every node's address.
port=$(kc -n demo get svc web-nodeport -o 'jsonpath={.spec.ports[0].nodePort}')
for n in cp1 w1 w2; do
  addr=$(harness_host_addr "$n")
  ans=$(harness_exec outside curl -sf --max-time 5 "http://$addr:$port/hostname") ||
    fail "NodePort $port on $n ($addr) does not answer the host outside"
  grep -qx "$ans" <<<"$replicas" || fail "NodePort on $n answered '$ans'"
done
echo "NodePort: $port answers on cp1, w1 and w2 from host outside"

# Without kube-proxy, a new Service is not programmed; with it back, it is.
kc -n kube-system patch daemonset kube-proxy --type merge \
  -p '{"spec":{"template":{"spec":{"nodeSelector":{"kadm.test/no-node":"true"}}}}}' >/dev/null
no_proxy() { [[ -z $(kc -n kube-system get pods -l k8s-app=kube-proxy -o name) ]]; }
retry 120 no_proxy || fail "kube-proxy pods did not go"
kc -n demo expose deployment web --name web-late --port 80 --target-port 8080 >/dev/null
sleep 3
if got=$(workload_dial cp1 probe web-late.demo 80 3 2>/dev/null); then
  fail "a Service created without kube-proxy answered ($got): the Service check cannot fail"
fi
echo "without kube-proxy: the new Service web-late does not answer (as it must not)"
kc -n kube-system patch daemonset kube-proxy --type json \
  -p '[{"op":"remove","path":"/spec/template/spec/nodeSelector/kadm.test~1no-node"}]' >/dev/null
kc -n kube-system rollout status daemonset/kube-proxy --timeout=180s >/dev/null ||
  { kadm_diagnose_unscheduled cp1 >&2; fail "daemonset/kube-proxy did not roll out"; }
late() { got=$(workload_dial cp1 probe web-late.demo 80 10 2>/dev/null) && [[ -n $got ]]; }
retry 60 late || fail "web-late does not answer after kube-proxy is back"
echo "with kube-proxy back: web-late answers"

# 0 restarts two minutes after the addons and the pod network started.
starts() { kc get pods "$@" -o 'jsonpath={range .items[*]}{.status.startTime}{"\n"}{end}'; }
newest=$({ starts -n kube-system -l 'k8s-app in (kube-dns,kube-proxy)'; starts -n kube-flannel; } | sort | tail -n 1)
wait_s=$((120 - ($(date +%s) - $(date -d "$newest" +%s))))
((wait_s > 0)) && { echo "waiting ${wait_s}s: two minutes after the last of CoreDNS, kube-proxy and flannel started"; sleep "$wait_s"; }
restarts=$(kc get pods -A -o 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.containerStatuses[*].restartCount} {.status.phase}{"\n"}{end}')
bad=$(awk '{ for (i = 2; i < NF; i++) if ($i != 0) { print; next } } $NF != "Running" { print }' <<<"$restarts")
[[ -z $bad ]] || { echo "$restarts" >&2; fail "pods restarted or not Running: $bad"; }
echo "every pod Running, 0 restarts (CoreDNS, kube-proxy, flannel, control plane, workload)"
kc get pods -A -o wide
echo "PASS"
