# shellcheck shell=bash
# Test hosts for integration/e2e tests: each host is a set of Linux namespaces (network, UTS,
# IPC, mount, PID) with its own address on a private bridge, its own hostname, and its own
# /etc/kubernetes, /var/lib/etcd, /var/lib/kubelet and /etc/hosts (bind mounts of directories
# under a temp root), so kadm, kubeadm and the control plane run unmodified with default paths
# and ports, several hosts and several test runs side by side. See tests/harness/README.md.
#
#   source "$KADM_TESTS_DIR/harness/lib.sh"
#   harness_can_run || exit 77
#   harness_trap_cleanup
#   harness_host_up cp1 10.213.0.11
#   harness_exec cp1 kubeadm init phase certs all --config "$cfg"
#   harness_start_static_pods cp1 && harness_wait_control_plane cp1

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARNESS_SOURCE_DIR=${KADM_SOURCE_DIR:-$(cd "$HARNESS_DIR/../.." && pwd)}
HARNESS_PYTHON=${HARNESS_PYTHON:-/usr/bin/python3}
HARNESS_SUBNET_PREFIX=10.213.0  # the only addresses a test may give its hosts (and contact)
if [[ -z ${HARNESS_RUN_ID:-} ]]; then
  HARNESS_RUN_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
fi
HARNESS_RUN_DIR=${HARNESS_RUN_DIR:-${TMPDIR:-/tmp}/kadm-harness.$HARNESS_RUN_ID}
export HARNESS_RUN_ID HARNESS_RUN_DIR

_harness_log() { printf '[harness] %s\n' "$*" >&2; }
_harness_die() { printf '[harness] ERROR: %s\n' "$*" >&2; return 1; }
_harness_host_dir() { printf '%s/hosts/%s' "$HARNESS_RUN_DIR" "$1"; }
_harness_netns() { printf 'kadm-%s-%s' "$HARNESS_RUN_ID" "$1"; }
_harness_bridge() { printf 'kadm-br%s' "$HARNESS_RUN_ID"; }

# Succeeds when this machine can host test hosts (root, namespaces, tools); otherwise prints why.
# Tests do `harness_can_run || exit 77`.
harness_can_run() {
  if [[ $EUID -ne 0 ]]; then _harness_log "skip: needs root"; return 1; fi
  local tool
  for tool in ip unshare nsenter mount "$HARNESS_PYTHON"; do
    command -v "$tool" >/dev/null || { _harness_log "skip: $tool not found (run tests/harness/deps.sh)"; return 1; }
  done
  "$HARNESS_PYTHON" -c 'import yaml' 2>/dev/null ||
    { _harness_log "skip: python3-yaml missing (run tests/harness/deps.sh)"; return 1; }
  unshare --net --uts --ipc --mount --pid --fork true 2>/dev/null ||
    { _harness_log "skip: cannot create namespaces here"; return 1; }
}

# Prints the directory holding the real Kubernetes binaries, building them (once, cached) if needed.
harness_bin_dir() {
  local cache=$HARNESS_RUN_DIR/bin_dir
  if [[ -s $cache ]]; then cat "$cache"; return; fi
  mkdir -p "$HARNESS_RUN_DIR"
  local dir
  dir=$("$HARNESS_SOURCE_DIR/scripts/k8s-binaries.sh") || _harness_die "scripts/k8s-binaries.sh failed" || return
  printf '%s\n' "$dir" >"$cache"
  printf '%s\n' "$dir"
}

# Removes hosts left behind by test runs whose owner process died (e.g. SIGKILLed by ctest).
_harness_gc_stale() {
  local ns rid owner
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^kadm-[0-9a-f]{6}-' || true); do
    rid=${ns#kadm-}; rid=${rid%%-*}
    [[ $rid == "$HARNESS_RUN_ID" ]] && continue
    owner=$(cat "${TMPDIR:-/tmp}/kadm-harness.$rid/owner" 2>/dev/null || true)
    if [[ -n $owner ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
    _harness_log "removing stale host $ns of a dead test run"
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ip link del "kadm-br$rid" 2>/dev/null || true
  done
  local cg
  for cg in /sys/fs/cgroup/*/kadm-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*/; do
    [[ -d $cg ]] || continue
    cg=$(basename "$cg"); rid=${cg#kadm-}; rid=${rid%%-*}
    [[ $rid == "$HARNESS_RUN_ID" ]] && continue
    owner=$(cat "${TMPDIR:-/tmp}/kadm-harness.$rid/owner" 2>/dev/null || true)
    if [[ -n $owner ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
    _harness_node_cgroups_down "$cg" || true
  done
  local d
  for d in "${TMPDIR:-/tmp}"/kadm-harness.*/; do
    [[ -f $d/owner && $d != "$HARNESS_RUN_DIR/" ]] || continue
    owner=$(cat "$d/owner" 2>/dev/null || true)
    if [[ -n $owner ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
    rm -rf "$d"
  done
}

_harness_init_run() {
  [[ -f $HARNESS_RUN_DIR/owner ]] && return 0
  mkdir -p "$HARNESS_RUN_DIR/hosts"
  echo $$ >"$HARNESS_RUN_DIR/owner"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$HARNESS_RUN_DIR/hosts.txt"
  _harness_gc_stale
}

# harness_host_up NAME ADDR
# Creates host NAME with address ADDR (10.213.0.2-254, unique within the run) on this run's
# bridge. Its root (harness_host_root) holds fs/etc/kubernetes (with manifests/), fs/var/lib/etcd,
# fs/var/lib/kubelet, logs/ and status/. Returns once `harness_exec NAME ...` works.
#
# A host whose root holds a file `node` before setup (harness_node_up in real_node.sh) also gets
# the private paths a container runtime and a kubelet write (HARNESS_NODE_PATHS).
HARNESS_NODE_PATHS=(/run /var/lib/containerd /etc/containerd /etc/cni/net.d /var/lib/cni /opt/cni/bin
  /var/log/pods /var/log/containers /etc/sysctl.d /etc/modules-load.d)
harness_host_up() {
  local name=$1 addr=$2 kind=${3:-host}
  [[ $name =~ ^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$ ]] || _harness_die "host name '$name' must be a short DNS label" || return
  [[ $addr =~ ^${HARNESS_SUBNET_PREFIX//./\\.}\.([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 2 && BASH_REMATCH[1] <= 254)) ||
    _harness_die "host address '$addr' must be in $HARNESS_SUBNET_PREFIX.2-254" || return
  _harness_init_run
  local dir ns br veth n
  dir=$(_harness_host_dir "$name") ns=$(_harness_netns "$name") br=$(_harness_bridge)
  mkdir "$dir" 2>/dev/null || _harness_die "host $name already exists in this run" || return
  echo "$addr" >"$dir/addr"
  mkdir -p "$dir/fs/etc/kubernetes/manifests" "$dir/fs/var/lib/etcd" "$dir/fs/var/lib/kubelet" \
    "$dir/logs" "$dir/status"
  chmod 700 "$dir/fs/var/lib/etcd"
  # Mount points on the real root: the binds themselves stay inside the host's mount namespace.
  mkdir -p /etc/kubernetes /var/lib/etcd /var/lib/kubelet
  if [[ $kind == node ]]; then
    local p
    for p in "${HARNESS_NODE_PATHS[@]}"; do mkdir -p "$dir/fs$p" "$p"; done
    touch "$dir/node"
  fi

  if ! ip link show "$br" >/dev/null 2>&1; then
    ip link add "$br" type bridge 2>/dev/null || ip link show "$br" >/dev/null || return
    ip link set "$br" up
  fi
  n=0
  until mkdir "$HARNESS_RUN_DIR/veth.$n" 2>/dev/null; do n=$((n + 1)); done  # atomic index
  veth="kv$HARNESS_RUN_ID-$n"
  echo "$veth" >"$dir/veth"
  ip netns add "$ns" || return
  ip link add "$veth" type veth peer name "kp$HARNESS_RUN_ID-$n" netns "$ns" || return
  ip link set "$veth" master "$br" up
  ip -n "$ns" link set "kp$HARNESS_RUN_ID-$n" name eth0
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # A node has a default route, as any host does (kube-proxy and flannel find their interface by
  # it). Its gateway is an address no host has: nothing leaves the run's bridge.
  [[ $kind == node ]] && { ip -n "$ns" route add default via "$HARNESS_SUBNET_PREFIX.1" dev eth0 || return; }
  printf '%s\t%s\n' "$addr" "$name" >>"$HARNESS_RUN_DIR/hosts.txt"

  local ready=$dir/ready upid
  # setsid: the host outlives the caller's process group; it is stopped by harness_host_down.
  setsid nsenter --net="/run/netns/$ns" unshare --uts --ipc --mount --propagation private \
    --pid --fork --mount-proc -- bash "$HARNESS_DIR/host_setup.sh" "$name" "$dir" \
    "$HARNESS_RUN_DIR/hosts.txt" "$ready" </dev/null >"$dir/init.log" 2>&1 &
  upid=$!
  local i
  for ((i = 0; i < 500; i++)); do  # up to 10 s, usually ~50 ms
    [[ -f $ready ]] && break
    kill -0 "$upid" 2>/dev/null || break
    sleep 0.02
  done
  [[ -f $ready ]] || { cat "$dir/init.log" >&2; _harness_die "host $name did not come up"; return 1; }
  # The host's init is the process of its network namespace that lives in another PID namespace.
  local init="" p mine
  mine=$(readlink /proc/self/ns/pid)
  for p in $(harness_host_pids "$name"); do
    [[ $(readlink "/proc/$p/ns/pid" 2>/dev/null) != "$mine" ]] && { init=$p; break; }
  done
  [[ -n $init ]] || _harness_die "cannot find the init process of host $name" || return
  echo "$init" >"$dir/pid"
  _harness_log "host $name is up at $addr (netns $ns, root $dir)"
}

# Prints the directory of host NAME's files as seen from outside: <root>/fs/etc/kubernetes is the
# host's /etc/kubernetes, <root>/logs/<pod>.log its static pod logs, <root>/status its pod status.
harness_host_root() { _harness_host_dir "$1"; }
harness_host_addr() { cat "$(_harness_host_dir "$1")/addr"; }

# What a host puts first on PATH: a node's own commands (systemctl, containerd), then the
# Kubernetes bin dir.
_harness_path() {
  local p
  p=$(cat "$(_harness_host_dir "$1")/path" 2>/dev/null || true)
  printf '%s' "$p${p:+:}$(cat "$HARNESS_RUN_DIR/bin_dir" 2>/dev/null || true)"
}

# harness_exec NAME CMD [ARGS...]: runs CMD inside host NAME (all its namespaces), with the
# Kubernetes bin dir first on PATH, in the caller's working directory; returns CMD's exit code.
harness_exec() {
  local name=$1; shift
  local dir pid bin
  dir=$(_harness_host_dir "$name")
  pid=$(cat "$dir/pid" 2>/dev/null) || _harness_die "no host $name" || return
  bin=$(_harness_path "$name")
  nsenter --target "$pid" --net --uts --ipc --mount --pid --wd="$PWD" -- \
    env KADM_HARNESS_RUN="$HARNESS_RUN_ID" KADM_HARNESS_HOST="$name" PATH="${bin:+$bin:}$PATH" "$@"
}

# harness_exec_bg NAME LOGFILE CMD [ARGS...]: like harness_exec, in the background with output
# to LOGFILE; prints the (outside) pid of the nsenter wrapper.
harness_exec_bg() {
  local name=$1 log=$2; shift 2
  local pid bin
  pid=$(cat "$(_harness_host_dir "$name")/pid" 2>/dev/null) || _harness_die "no host $name" || return
  bin=$(_harness_path "$name")
  # exec, not a function call: the background subshell must not live on holding copies of the
  # caller's descriptors (a pipe of the caller would then never close).
  (exec nsenter --target "$pid" --net --uts --ipc --mount --pid --wd="$PWD" -- \
    env KADM_HARNESS_RUN="$HARNESS_RUN_ID" KADM_HARNESS_HOST="$name" PATH="${bin:+$bin:}$PATH" "$@") \
    </dev/null >"$log" 2>&1 &
  echo $!
  # Not a job of the caller's shell: its end (often a SIGKILL at teardown) is not news.
  disown $!
}

# Prints the pids (as seen from outside) of every process in host NAME.
harness_host_pids() { ip netns pids "$(_harness_netns "$1")" 2>/dev/null || true; }

# harness_start_static_pods NAME [RUNNER ARGS...]: starts the static pod runner in host NAME on
# /etc/kubernetes/manifests. HARNESS_ETCD_BINARY=/usr/bin/etcd runs etcd from there (v1.20 era).
harness_start_static_pods() {
  local name=$1; shift
  local dir bin extra=()
  dir=$(_harness_host_dir "$name")
  bin=$(harness_bin_dir) || return
  [[ -n ${HARNESS_ETCD_BINARY:-} ]] && extra+=(--binary "etcd=$HARNESS_ETCD_BINARY")
  rm -f "$dir/status/runner.json"
  harness_exec_bg "$name" "$dir/logs/static-pod-runner.log" "$HARNESS_PYTHON" \
    "$HARNESS_DIR/static_pod_runner.py" --bin-dir "$bin" --log-dir "$dir/logs" \
    --status-dir "$dir/status" "${extra[@]}" "$@" >"$dir/runner.pid"
  local i
  for ((i = 0; i < 250; i++)); do
    [[ -f $dir/status/runner.json ]] && return 0
    kill -0 "$(cat "$dir/runner.pid")" 2>/dev/null || break
    sleep 0.02
  done
  cat "$dir/logs/static-pod-runner.log" >&2
  _harness_die "static pod runner did not start in host $name"
}

# Stops the runner of host NAME, which stops its pods (SIGTERM, then SIGKILL after the grace).
harness_stop_static_pods() {
  local dir pid i
  dir=$(_harness_host_dir "$1")
  pid=$("$HARNESS_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
    "$dir/status/runner.json" 2>/dev/null) || return 0
  harness_exec "$1" kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 400; i++)); do
    kill -0 "$(cat "$dir/runner.pid")" 2>/dev/null || return 0
    sleep 0.05
  done
  _harness_die "static pod runner of host $1 did not stop"
}

# harness_wait_control_plane NAME [TIMEOUT_SECONDS=120]: waits for the checks kubeadm makes
# (apiserver /livez on the advertise address, controller-manager /healthz, scheduler /livez),
# polling every 200 ms; fails early when a component is refused by the runner or crash-loops
# (HARNESS_MAX_RESTARTS, default 3 exits), naming it and printing the end of its log.
harness_wait_control_plane() {
  local name=$1 timeout=${2:-120} dir
  dir=$(_harness_host_dir "$name")
  harness_exec "$name" "$HARNESS_PYTHON" "$HARNESS_DIR/wait_control_plane.py" \
    --addr "$(harness_host_addr "$name")" --status-dir "$dir/status" --log-dir "$dir/logs" \
    --timeout "$timeout" --max-restarts "${HARNESS_MAX_RESTARTS:-3}" \
    ${HARNESS_COMPONENTS:+--components "$HARNESS_COMPONENTS"}
}

# Prints the pids of processes started by this test run that are still alive (any host).
harness_stray_pids() {
  local f pid
  for f in /proc/[0-9]*/environ; do
    pid=${f#/proc/}; pid=${pid%/environ}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if { grep -qzx "KADM_HARNESS_RUN=$HARNESS_RUN_ID" "$f"; } 2>/dev/null; then
      echo "$pid"
    fi
  done
}

# harness_host_down NAME: stops every process of host NAME (SIGTERM, bounded grace, SIGKILL),
# which drops its mounts, then deletes its network namespace and veth and removes its root
# (HARNESS_KEEP=1 keeps the root for inspection). Fails if a process survived.
harness_host_down() {
  local name=$1 dir ns pid i rc=0
  dir=$(_harness_host_dir "$name") ns=$(_harness_netns "$name")
  [[ -d $dir ]] || return 0
  # The podCIDR watcher may have ended already.
  if [[ -f $dir/cni.pid ]]; then kill "$(cat "$dir/cni.pid")" 2>/dev/null || true; fi
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"  # the host's init stops everyone in its PID namespace
    for ((i = 0; i < 200; i++)); do  # its own grace is 5 s
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true  # PID 1 gone => the kernel kills the whole namespace
  fi
  for ((i = 0; i < 100; i++)); do
    [[ -z $(harness_host_pids "$name") ]] && break
    sleep 0.05
  done
  local left
  left=$(harness_host_pids "$name")
  if [[ -n $left ]]; then
    _harness_log "host $name: killing processes that outlived it: $left"
    kill -9 $left 2>/dev/null || true
    rc=1
  fi
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$(cat "$dir/veth" 2>/dev/null)" 2>/dev/null || true
  if [[ -f $dir/cgroup ]]; then
    _harness_node_cgroups_down "$(cat "$dir/cgroup")" || rc=1
  fi
  if [[ ${HARNESS_KEEP:-0} == 1 ]]; then
    _harness_log "host $name: kept $dir"
  else
    rm -rf "$dir"
  fi
  return $rc
}

# Tears down every host of this run and the bridge; fails if any process of the run survived.
harness_cleanup_all() {
  local rc=0 d strays
  [[ -d $HARNESS_RUN_DIR/hosts ]] || return 0
  for d in "$HARNESS_RUN_DIR"/hosts/*/; do
    [[ -d $d ]] || continue
    harness_host_down "$(basename "$d")" || rc=1
  done
  ip link del "$(_harness_bridge)" 2>/dev/null || true
  strays=$(harness_stray_pids)
  if [[ -n $strays ]]; then
    _harness_log "stray processes of this run after cleanup (killing): $(ps -o pid=,args= -p "${strays//$'\n'/,}" 2>/dev/null)"
    kill -9 $strays 2>/dev/null || true
    rc=1
  fi
  if [[ ${HARNESS_KEEP:-0} == 1 ]]; then
    rm -f "$HARNESS_RUN_DIR/owner"  # kept for inspection: not garbage for later runs
    _harness_log "kept $HARNESS_RUN_DIR"
  else
    rm -rf "$HARNESS_RUN_DIR"
  fi
  return $rc
}

# Installs an EXIT trap that cleans up this run and keeps the test's exit code, turning a
# passing test into a failure when cleanup found surviving processes.
harness_trap_cleanup() {
  trap '_harness_rc=$?; harness_cleanup_all || { [[ $_harness_rc == 0 ]] && _harness_rc=1; }; exit $_harness_rc' EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# harness_persist: keeps this run's hosts alive after the calling script exits (the local
# cluster of scripts/cluster-up.sh). Stale-run cleanup then tracks the first host's init process
# instead of the caller, so the cluster is removed only by harness_cleanup_all or once it died.
harness_persist() {
  local first
  first=$(ls "$HARNESS_RUN_DIR/hosts" 2>/dev/null | head -1)
  [[ -n $first ]] || _harness_die "no host to keep" || return
  cp "$(_harness_host_dir "$first")/pid" "$HARNESS_RUN_DIR/owner"
  trap - EXIT HUP INT TERM
}

source "$HARNESS_DIR/real_node.sh"
