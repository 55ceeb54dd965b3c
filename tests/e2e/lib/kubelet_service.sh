# shellcheck shell=bash
# A "kubelet service" for a harness host (source after tests/harness/lib.sh): a systemctl
# stand-in, first on PATH only for commands run with kubelet_service_exec, that reports the
# kubelet unit as existing and enabled and on start/restart runs the REAL kubelet the way
# kubeadm's systemd drop-in does:
#   kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf
#           --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml
#           $KUBELET_KUBEADM_ARGS (from /var/lib/kubelet/kubeadm-flags.env) $KUBELET_EXTRA_ARGS
# restarting it when it exits, as Restart=always would. KUBELET_EXTRA_ARGS (what
# /etc/default/kubelet would hold) stands in for this machine: cgroup v1 allowed when the machine
# has it, and no container runtime. The TLS bootstrap runs in the background while the kubelet
# goes on to check its runtime; with nothing listening on the runtime socket it exits within
# ~10 ms, before its CSR is even approved (it took ~45 restarts to win that race once). So the
# runtime socket is a "silent runtime": it accepts connections and never answers, and the
# kubelet waits there (~5 s, its gRPC connection timeout) long enough to finish its bootstrap,
# before exiting on its runtime check; nothing after that check (cgroups, sysctls, pods) runs.
# The kubelet's output goes to <run dir>/kubelet-service/<host>/kubelet.log.
#
#   kubelet_service_snapshot_cgroups         before any kubelet runs
#   kubelet_service_install w1
#   kubelet_service_exec w1 "$KADM" join ... --tls-bootstrap=kubelet
#   kubelet_service_cleanup                  in the EXIT trap: kubelets stopped, cgroups removed

_kubelet_service_dir() { printf '%s/kubelet-service/%s' "$HARNESS_RUN_DIR" "$1"; }

# Cgroup directories a kubelet may create (kubepods, kubepods.slice, kubelet ...), up to 4
# levels under /sys/fs/cgroup; the list before the test lets cleanup remove only new ones.
_kubelet_service_cgroups() {
  find /sys/fs/cgroup -maxdepth 4 -type d \( -name 'kubepods*' -o -name 'kubelet*' -o \
    -name 'system.slice' -o -name 'besteffort' -o -name 'burstable' \) 2>/dev/null | sort
}
kubelet_service_snapshot_cgroups() {
  mkdir -p "$HARNESS_RUN_DIR"
  _kubelet_service_cgroups >"$HARNESS_RUN_DIR/cgroups.before"
}

# kubelet_service_install HOST: writes the stand-in for HOST.
kubelet_service_install() {
  local host=$1 dir extra
  dir=$(_kubelet_service_dir "$host")
  mkdir -p "$dir/bin"
  harness_exec_bg "$host" "$dir/silent-runtime.log" "$HARNESS_PYTHON" -c '
import socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen(64)
held = []
while True:
    held.append(server.accept()[0])  # never read, never answered
' "$dir/silent-runtime.sock" >"$dir/silent-runtime.pid"
  local i
  for ((i = 0; i < 250; i++)); do
    [[ -S $dir/silent-runtime.sock ]] && break
    sleep 0.02
  done
  [[ -S $dir/silent-runtime.sock ]] || { cat "$dir/silent-runtime.log" >&2; return 1; }
  extra="--container-runtime-endpoint=unix://$dir/silent-runtime.sock"
  # kubelets since v1.35 refuse cgroup v1 unless told otherwise; the VM decides, not the test.
  [[ -f /sys/fs/cgroup/cgroup.controllers ]] || extra+=" --fail-cgroupv1=false"
  cat >"$dir/bin/systemctl" <<SHIM
#!/usr/bin/env bash
# systemctl stand-in for harness host $host (tests/e2e/lib/kubelet_service.sh).
set -u
state=$dir
self=$dir/bin/systemctl
KUBELET_EXTRA_ARGS="$extra"
SHIM
  cat >>"$dir/bin/systemctl" <<'SHIM'
unit=${2:-}
unit=${unit%.service}
pid_alive() { [[ -f $state/$1.pid ]] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }
stop_kubelet() {
  local i
  pid_alive supervisor && kill "$(cat "$state/supervisor.pid")"
  pid_alive kubelet && kill "$(cat "$state/kubelet.pid")"
  for ((i = 0; i < 100; i++)); do
    pid_alive supervisor || pid_alive kubelet || break
    sleep 0.1
  done
  pid_alive kubelet && kill -9 "$(cat "$state/kubelet.pid")"
  rm -f "$state/supervisor.pid" "$state/kubelet.pid"
}
case ${1:-} in
  is-enabled)
    [[ $unit == kubelet ]] && { echo enabled; exit 0; }
    echo "Failed to get unit file state for $unit.service: No such file or directory"
    exit 1 ;;
  is-active)
    [[ $unit == kubelet ]] && pid_alive supervisor && { echo active; exit 0; }
    echo inactive
    exit 3 ;;
  stop)
    [[ $unit == kubelet ]] && stop_kubelet
    exit 0 ;;
  start | restart)
    [[ $unit == kubelet ]] || { echo "Failed to $1 $unit.service: Unit $unit.service not found." >&2; exit 5; }
    [[ $1 == restart ]] && stop_kubelet
    pid_alive supervisor && exit 0
    setsid "$self" __supervise </dev/null >>"$state/kubelet.log" 2>&1 &
    echo $! >"$state/supervisor.pid"
    exit 0 ;;
  __supervise)
    trap 'pid_alive kubelet && kill "$(cat "$state/kubelet.pid")"; exit 0' TERM
    while :; do
      KUBELET_KUBEADM_ARGS=
      # systemd reads the EnvironmentFile at every start
      [[ -f /var/lib/kubelet/kubeadm-flags.env ]] && source /var/lib/kubelet/kubeadm-flags.env
      mode=$(stat -c %a /etc/kubernetes/bootstrap-kubelet.conf 2>/dev/null || echo absent)
      echo "[systemctl stand-in] bootstrap-kubelet.conf mode $mode"
      # shellcheck disable=SC2086  # word splitting as systemd does for $VAR in ExecStart
      args=(--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf
        --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml
        $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS)
      echo "[systemctl stand-in] starting: kubelet ${args[*]}"
      kubelet "${args[@]}" &
      echo $! >"$state/kubelet.pid"
      wait $!
      echo "[systemctl stand-in] kubelet exited with $?; restarting in 2s (Restart=always)"
      sleep 2 &
      wait $!
    done ;;
  *)
    echo "systemctl stand-in: '$*' is not supported" >&2
    exit 1 ;;
esac
SHIM
  chmod 755 "$dir/bin/systemctl"
}

# kubelet_service_exec HOST CMD...: harness_exec with the stand-in first on PATH.
kubelet_service_exec() {
  local host=$1; shift
  PATH="$(_kubelet_service_dir "$host")/bin:$PATH" harness_exec "$host" "$@"
}

kubelet_service_log() { cat "$(_kubelet_service_dir "$1")/kubelet.log" 2>/dev/null || true; }

# Stops every stand-in's kubelet and removes cgroups that appeared since the snapshot (deepest
# first); fails when one cannot be removed.
kubelet_service_cleanup() {
  local dir host rc=0 cg
  for dir in "$HARNESS_RUN_DIR"/kubelet-service/*/; do
    [[ -x $dir/bin/systemctl ]] || continue
    host=$(basename "$dir")
    kubelet_service_exec "$host" systemctl stop kubelet 2>/dev/null || true
  done
  [[ -f $HARNESS_RUN_DIR/cgroups.before ]] || return 0  # never taken, or cleaned up already
  local new
  new=$(comm -13 "$HARNESS_RUN_DIR/cgroups.before" <(_kubelet_service_cgroups) | sort -r)
  rm -f "$HARNESS_RUN_DIR/cgroups.before"
  if [[ -z $new ]]; then
    echo "kubelet cgroups: none created"
    return 0
  fi
  echo "kubelet cgroups created during the test (removing):"$'\n'"$new"
  while read -r cg; do
    [[ -d $cg ]] || continue
    while read -r d; do
      rmdir "$d" 2>/dev/null || { echo "cannot remove cgroup $d" >&2; rc=1; }
    done < <(find "$cg" -depth -type d)
  done <<<"$new"
  return $rc
}
