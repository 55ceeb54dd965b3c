#!/usr/bin/env bash
# The main job: a real local Kubernetes cluster brought up by kadm on this machine — `kadm init`
# on a control-plane node, then `kadm join` (with the command init printed) on two workers.
#
# A node is a set of Linux namespaces (network, UTS, mount, PID) with its own address on a
# private bridge, its own containerd v2 and its own real kubelet (tests/harness/README.md). The
# kubelet runs etcd, kube-apiserver, kube-controller-manager and kube-scheduler from kadm's
# static pod manifests as containers whose images (built from the Go modules, cached in
# ~/.cache/kadm) come from a mirror registry on a host of its own; each kubelet registers its own
# Node. flannel, built from its module, is installed from its own manifest as the pod network;
# a demo workload (agnhost) answers on a NodePort of every node. The cluster stays up until
# scripts/cluster-down.sh. Needs root (namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_RUN_ID=${KADM_CLUSTER_ID:-c1a57e}
export HARNESS_RUN_DIR=${TMPDIR:-/tmp}/kadm-harness.$HARNESS_RUN_ID
step() { printf '\n==> %s\n' "$*"; }
t0=$(date +%s%N)
took() { printf '    (%d ms)\n' $((($(date +%s%N) - $1) / 1000000)); }

[[ $(id -u) == 0 ]] || { echo "cluster-up needs root: it creates network namespaces" >&2; exit 1; }
if [[ -d $HARNESS_RUN_DIR/hosts ]]; then
  echo "a kadm cluster is already up ($HARNESS_RUN_DIR); run scripts/cluster-down.sh first" >&2
  exit 1
fi

step "dependencies and build"; t=$(date +%s%N)
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
ninja -C build kadm >/dev/null
KADM=$PWD/build/cmd/kadm
took "$t"

step "real Kubernetes binaries, containerd, images (built once from the Go module proxy)"; t=$(date +%s%N)
source tests/harness/lib.sh
source tests/e2e/lib/vm_facts.sh
harness_can_run
trap harness_cleanup_all EXIT  # until the cluster is up; then harness_persist keeps it
bin=$(harness_bin_dir)
echo "    $bin"
echo "    $(harness_node_tools_dir)"
export KADM
harness_mirror_up
took "$t"

step "nodes cp1 (10.213.0.10), w1 (10.213.0.11), w2 (10.213.0.12)"; t=$(date +%s%N)
# No CNI configuration until the pod network is installed: the nodes stay NotReady until then.
export HARNESS_POD_NETWORK=flannel
harness_node_up cp1 10.213.0.10
harness_node_up w1 10.213.0.11
harness_node_up w2 10.213.0.12
took "$t"

step "kadm init"; t=$(date +%s%N)
root=$(harness_host_root cp1)
cat >"$root/fs/etc/kubernetes/kadm-init.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.213.0.10
nodeRegistration:
  name: cp1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $("$bin/kubeadm" version -o short)
imageRepository: $(harness_image_repository)
networking:
  podSubnet: 192.168.0.0/16
  serviceSubnet: 10.96.0.0/16
$KADM_NODE_COMPONENT_CONFIGS
YAML
kadm_preflight_args
harness_exec cp1 "$KADM" init --config /etc/kubernetes/kadm-init.yaml "${KADM_PREFLIGHT_ARGS[@]}" |
  tee "$root/logs/kadm-init.log"
took "$t"

# The worker join command exactly as `kadm init` printed it (continued lines joined).
join_cmd=$(sed -n '/join any number of worker nodes/,$p' "$root/logs/kadm-init.log" |
  grep -v 'worker nodes' | tr -d '\\\t' | tr '\n' ' ')
read -r -a join_args <<<"$join_cmd"
for w in w1 w2; do
  step "kadm join on $w"; t=$(date +%s%N)
  harness_exec "$w" "$KADM" "${join_args[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}"
  took "$t"
done

kc() { harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
step "pod network: flannel (kubectl apply -f kube-flannel.yml, images from the mirror, on 192.168.0.0/16)"; t=$(date +%s%N)
harness_pod_network_up cp1 192.168.0.0/16 2>&1 | sed 's/^/    /'
took "$t"

step "every node Ready (reported by its own kubelet), every kube-system pod Ready"; t=$(date +%s%N)
for n in cp1 w1 w2; do
  for ((i = 0; i < 600; i++)); do kc get node "$n" >/dev/null 2>&1 && break; sleep 0.2; done
done
kc wait --for=condition=Ready node --all --timeout=180s
kc -n kube-system wait --for=condition=Ready pod --all --timeout=180s
took "$t"

step "demo workload: agnhost, 3 replicas over the workers, a ClusterIP and a NodePort Service"; t=$(date +%s%N)
source tests/e2e/lib/workload.sh
workload_apply cp1 demo 2>&1 | sed 's/^/    /'
port=$(kc -n demo get svc web-nodeport -o 'jsonpath={.spec.ports[0].nodePort}')
for n in cp1 w1 w2; do
  addr=$(harness_host_addr "$n")
  ans=$(harness_exec mirror curl -sf --max-time 5 "http://$addr:$port/hostname") ||
    { echo "NodePort $port on $n ($addr) does not answer" >&2; exit 1; }
  echo "    http://$addr:$port/hostname (from host mirror) -> $ans"
done
took "$t"

step "the cluster answers"
kc get --raw '/readyz' && echo
kc get nodes -o wide
kc get pods -A -o wide
harness_persist
printf '\nkadm cluster up in %d ms. Use it with:\n' $((($(date +%s%N) - t0) / 1000000))
echo "  sudo nsenter --net=/run/netns/kadm-$HARNESS_RUN_ID-cp1 kubectl --kubeconfig $root/fs/etc/kubernetes/admin.conf get nodes -o wide"
echo "Stop it with: sudo scripts/cluster-down.sh"
