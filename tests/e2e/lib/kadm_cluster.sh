# shellcheck shell=bash
# Shared steps of kadm's e2e tests (source after tests/harness/lib.sh).

fail() { echo "FAIL: $*" >&2; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/vm_facts.sh"

# retry SECONDS CMD...: polls CMD every 250 ms until it succeeds or SECONDS pass.
retry() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.25; done
}

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# kadm init/join ... "${KADM_PREFLIGHT_ARGS[@]}": ignores only the preflight checks a node of this
# VM cannot pass (vm_facts.sh, each with its reason); every other check runs and must pass.
kadm_preflight_args

# kadm_init_config NAME [extra InitConfiguration lines] [extra ClusterConfiguration lines]:
# a v1beta4 config for node NAME written to its root, with the images of the harness mirror and
# what a user of a host like this VM puts in the KubeletConfiguration (cgroup v1, no systemd) and
# the KubeProxyConfiguration (a network namespace may not set the machine's conntrack table
# size); prints the path as seen inside the host.
kadm_init_config() {
  local name=$1 init_extra=${2:-} cluster_extra=${3:-} root
  root=$(harness_host_root "$name")
  cat >"$root/fs/etc/kubernetes/kadm-init.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $(harness_host_addr "$name")
  bindPort: 6443
nodeRegistration:
  name: $name
  criSocket: unix:///var/run/containerd/containerd.sock
$init_extra
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: ${KADM_E2E_K8S_VERSION:-v1.37.2}
imageRepository: $(harness_image_repository)
networking:
  podSubnet: 10.244.0.0/16
$cluster_extra
$KADM_NODE_COMPONENT_CONFIGS
YAML
  echo /etc/kubernetes/kadm-init.yaml
}

# kadm_init_control_plane NAME CONFIG: `kadm init` with every phase on node NAME (made with
# harness_node_up); the kubelet runs the control plane and registers its Node.
kadm_init_control_plane() {
  local name=$1 cfg=$2 log start
  log=$(harness_host_root "$name")/logs/kadm-init.log
  start=$(date +%s%N)
  if ! harness_exec "$name" "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    harness_node_diagnose "$name" >&2
    fail "kadm init failed on node $name"
  fi
  echo "kadm init: done after $(ms_since "$start") ms"
  cat "$log"
}

# kadm_wait_node_ready CP NAME [SECS=120]: waits until the kubelet of NAME reports its Node Ready.
kadm_wait_node_ready() {
  local cp=$1 name=$2 secs=${3:-120} st=""
  ready() {
    st=$(kadm_kubectl "$cp" get node "$name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)
    [[ $st == True ]]
  }
  retry "$secs" ready || { harness_node_diagnose "$name" >&2; fail "node $name not Ready after ${secs}s (Ready=$st)"; }
}

# kadm_diagnose_unscheduled CP: why pods are not Running, from host CP: each such pod's events,
# the Nodes' taints and conditions, who holds the scheduler and controller-manager leases, and
# the tail of those two components' logs (read from the kubelet's log files, which do not need
# the API server).
kadm_diagnose_unscheduled() {
  local cp=$1 ns pod listing
  echo "---- pods not Running"
  listing=$(kadm_kubectl "$cp" get pods -A -o wide --field-selector=status.phase!=Running 2>&1)
  echo "$listing"
  # The same listing names the pods to describe (NAMESPACE and NAME, after the header line).
  while read -r ns pod _; do
    [[ -n $pod ]] || continue
    echo "---- $ns/$pod: events and conditions"
    kadm_kubectl "$cp" -n "$ns" describe pod "$pod" 2>&1 | sed -n '/^Conditions:/,/^Volumes:/p;/^Events:/,$p'
  done < <(grep -E '^[a-z0-9-]+ +[a-z0-9.-]+ +[0-9]+/[0-9]+ ' <<<"$listing" | head -n 5)
  echo "---- nodes: taints, Ready"
  kadm_kubectl "$cp" get nodes -o 'jsonpath={range .items[*]}{.metadata.name} taints={.spec.taints} ready={.status.conditions[?(@.type=="Ready")].status} since={.status.conditions[?(@.type=="Ready")].lastTransitionTime}{"\n"}{end}' 2>&1
  echo "---- leases"
  kadm_kubectl "$cp" -n kube-system get lease kube-scheduler kube-controller-manager \
    -o 'jsonpath={range .items[*]}{.metadata.name} holder={.spec.holderIdentity} renewed={.spec.renewTime} transitions={.spec.leaseTransitions}{"\n"}{end}' 2>&1
  local c
  for c in kube-scheduler kube-controller-manager; do
    echo "---- $c on $cp: last 40 log lines"
    harness_exec "$cp" sh -c "tail -q -n 40 /var/log/pods/kube-system_$c-*/$c/*.log" 2>&1 | cut -c1-400
  done
}

# assert_control_plane_serves NAME: every readyz check passes, the scheduler and the
# controller-manager hold their leases, admin.conf authenticates as kadm's admin user.
assert_control_plane_serves() {
  local name=$1 out
  _serves_kc() { harness_exec "$name" kubectl --kubeconfig "/etc/kubernetes/$1" "${@:2}"; }
  readyz_ok() {
    out=$(_serves_kc admin.conf get --raw '/readyz?verbose' 2>&1) || return 1
    grep -q '^readyz check passed' <<<"$out" && ! grep -q '^\[-\]' <<<"$out"
  }
  retry 60 readyz_ok || fail "readyz did not pass every check: $out"
  (($(grep -c '^\[+\]' <<<"$out") >= 10)) || fail "readyz lists too few checks: $out"
  echo "readyz: $(grep -c '^\[+\]' <<<"$out") checks passed"

  lease_held() {
    local holder
    holder=$(_serves_kc super-admin.conf -n kube-system get lease "$1" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null) || return 1
    [[ $holder == "$name"* ]]
  }
  retry 60 lease_held kube-scheduler || fail "kube-scheduler holds no lease"
  retry 60 lease_held kube-controller-manager || fail "kube-controller-manager holds no lease"
  echo "leases: kube-scheduler and kube-controller-manager held by $name"

  # whoami is asked until it answers (a new kubelet may restart the API server just after readyz
  # passed: "connection reset by peer"); the identity it answers must be the expected one.
  _whoami_of() { out=$(_serves_kc "$1" auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}' 2>&1); }
  retry 60 _whoami_of admin.conf || fail "admin.conf: whoami never answered: $out"
  [[ $out == "kubernetes-admin "*kubeadm:cluster-admins* ]] || fail "admin.conf is not kubernetes-admin in kubeadm:cluster-admins: $out"
  retry 60 _whoami_of super-admin.conf || fail "super-admin.conf: whoami never answered: $out"
  [[ $out == "kubernetes-super-admin "*system:masters* ]] || fail "super-admin.conf is not in system:masters: $out"
  echo "whoami: admin and super-admin as expected"
  # A restarted API server (a new kubelet recreates static pods) refuses with a bare 403 until its
  # RBAC informers have synced: the control plane serves only once admin.conf is authorized.
  rbac_synced() { [[ $(_serves_kc admin.conf auth can-i get configmaps -n kube-system 2>/dev/null) == yes ]]; }
  retry 60 rbac_synced || fail "admin.conf (kubeadm:cluster-admins) is not authorized to read ConfigMaps"
  echo "rbac: admin.conf authorized"
}

# kadm_join_ready_control_plane NAME: `kadm init` with every phase in host NAME, so the cluster
# has what `join` needs (kubeadm-config, kubelet-config, bootstrap token RBAC, cluster-info).
kadm_join_ready_control_plane() {
  local name=$1 cfg
  cfg=$(kadm_init_config "$name")
  kadm_init_control_plane "$name" "$cfg" >/dev/null
}

# kadm_init_worker_join_command NAME: the worker join command `kadm init` printed in host NAME,
# as one line of words (the printed form continues lines with a backslash).
kadm_init_worker_join_command() {
  sed -n '/join any number of worker nodes/,$p' "$(harness_host_root "$1")/logs/kadm-init.log" |
    grep -v 'worker nodes' | tr -d '\\\t' | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//'
}

# kadm_kubectl NAME ARGS...: kubectl as the cluster's super admin inside host NAME.
kadm_kubectl() { harness_exec "$1" kubectl --kubeconfig /etc/kubernetes/super-admin.conf "${@:2}"; }

# host_files NAME: what a join may write on host NAME (a listing for before/after comparisons).
host_files() {
  local root
  root=$(harness_host_root "$1")/fs
  (cd "$root" && find etc/kubernetes var/lib/kubelet -mindepth 1 | sort)
}
