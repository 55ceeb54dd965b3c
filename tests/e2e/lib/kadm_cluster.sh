# shellcheck shell=bash
# Shared steps of kadm's e2e tests (source after tests/harness/lib.sh).

fail() { echo "FAIL: $*" >&2; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/../../harness/node.sh"

# retry SECONDS CMD...: polls CMD every 250 ms until it succeeds or SECONDS pass.
retry() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.25; done
}

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# kadm_init_config NAME [extra InitConfiguration lines] [extra ClusterConfiguration lines]:
# a v1beta4 config for host NAME written to its root; prints the path as seen inside the host.
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
$init_extra
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: ${KADM_E2E_K8S_VERSION:-v1.37.2}
networking:
  podSubnet: 10.244.0.0/16
$cluster_extra
YAML
  echo /etc/kubernetes/kadm-init.yaml
}

# kadm_init_control_plane NAME CONFIG: the static pod runner (the harness's kubelet) is started
# first, then `kadm init` runs every phase inside host NAME (the Node is registered meanwhile).
kadm_init_control_plane() {
  local name=$1 cfg=$2 log start
  log=$(harness_host_root "$name")/logs/kadm-init.log
  harness_start_static_pods "$name"
  # No kubelet registers the Node that mark-control-plane waits for: play its part meanwhile.
  harness_register_node "$name" 180 >"$(harness_host_root "$name")/logs/register-node.log" 2>&1 &
  local register_pid=$!
  start=$(date +%s%N)
  if ! harness_exec "$name" "$KADM" init --config "$cfg" --ignore-preflight-errors=all >"$log" 2>&1; then
    cat "$log" >&2
    fail "kadm init failed in host $name"
  fi
  wait "$register_pid" || fail "registering the Node of $name failed"
  echo "kadm init: control plane healthy after $(ms_since "$start") ms"
  cat "$log"
}

# assert_control_plane_serves NAME: every readyz check passes, the scheduler and the
# controller-manager hold their leases, admin.conf authenticates as kadm's admin user.
assert_control_plane_serves() {
  local name=$1 out
  kc() { harness_exec "$name" kubectl --kubeconfig "/etc/kubernetes/$1" "${@:2}"; }
  readyz_ok() {
    out=$(kc admin.conf get --raw '/readyz?verbose' 2>&1) || return 1
    grep -q '^readyz check passed' <<<"$out" && ! grep -q '^\[-\]' <<<"$out"
  }
  retry 60 readyz_ok || fail "readyz did not pass every check: $out"
  (($(grep -c '^\[+\]' <<<"$out") >= 10)) || fail "readyz lists too few checks: $out"
  echo "readyz: $(grep -c '^\[+\]' <<<"$out") checks passed"

  lease_held() {
    local holder
    holder=$(kc super-admin.conf -n kube-system get lease "$1" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null) || return 1
    [[ $holder == "$name"* ]]
  }
  retry 60 lease_held kube-scheduler || fail "kube-scheduler holds no lease"
  retry 60 lease_held kube-controller-manager || fail "kube-controller-manager holds no lease"
  echo "leases: kube-scheduler and kube-controller-manager held by $name"

  out=$(kc admin.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
  [[ $out == "kubernetes-admin "*kubeadm:cluster-admins* ]] || fail "admin.conf is not kubernetes-admin in kubeadm:cluster-admins: $out"
  out=$(kc super-admin.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
  [[ $out == "kubernetes-super-admin "*system:masters* ]] || fail "super-admin.conf is not in system:masters: $out"
  echo "whoami: admin and super-admin as expected"
}

# kadm_join_ready_control_plane NAME: `kadm init` with every phase in host NAME, so the cluster
# has what `join` needs (kubeadm-config, kubelet-config, bootstrap token RBAC, cluster-info).
kadm_join_ready_control_plane() {
  local name=$1 cfg
  cfg=$(kadm_init_config "$name" "  criSocket: unix:///var/run/containerd/containerd.sock")
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
