#!/usr/bin/env bash
# systemctl for a harness node: the units `containerd` and `kubelet`, run the way their systemd
# units run them, with Restart=always. Each node has a `systemctl` wrapper first on PATH that calls
#   systemctl.sh STATE_DIR ARGS...
# STATE_DIR holds the pids, the logs (<unit>.log) and kubelet.env (what /etc/default/kubelet would
# hold on a real host: KUBELET_EXTRA_ARGS). The kubelet starts as kubeadm's drop-in starts it:
#   kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf
#           --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml
#           $KUBELET_KUBEADM_ARGS (/var/lib/kubelet/kubeadm-flags.env) $KUBELET_EXTRA_ARGS
set -u
state=$1
shift
verb=${1:-}
unit=${2:-}
unit=${unit%.service}
# kubeadm's kubelet.service waits 10 s between restarts; 2 s keeps the tests short.
RESTART_SEC=${HARNESS_RESTART_SEC:-2}

known() { [[ $1 == kubelet || $1 == containerd ]]; }
pid_alive() { [[ -f $state/$1.pid ]] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

run_unit() { # the unit's ExecStart, with its EnvironmentFiles read at every start
  case $1 in
    containerd) exec containerd --config /etc/containerd/config.toml ;;
    kubelet)
      KUBELET_KUBEADM_ARGS="" KUBELET_EXTRA_ARGS=""
      # shellcheck disable=SC1091
      [[ -f /var/lib/kubelet/kubeadm-flags.env ]] && source /var/lib/kubelet/kubeadm-flags.env
      # shellcheck disable=SC1091
      [[ -f $state/kubelet.env ]] && source "$state/kubelet.env"
      # shellcheck disable=SC2086  # word splitting as systemd does for $VAR in ExecStart
      exec kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
        --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml \
        $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS ;;
  esac
}

stop_unit() {
  local u=$1 i
  pid_alive "$u-supervisor" && kill "$(cat "$state/$u-supervisor.pid")"
  pid_alive "$u" && kill "$(cat "$state/$u.pid")"
  for ((i = 0; i < 150; i++)); do
    pid_alive "$u" || break
    sleep 0.1
  done
  pid_alive "$u" && kill -9 "$(cat "$state/$u.pid")"
  rm -f "$state/$u-supervisor.pid" "$state/$u.pid"
}

case $verb in
  is-enabled)
    known "$unit" && { echo enabled; exit 0; }
    echo "Failed to get unit file state for $unit.service: No such file or directory"
    exit 1 ;;
  is-active)
    known "$unit" && pid_alive "$unit-supervisor" && { echo active; exit 0; }
    echo inactive
    exit 3 ;;
  enable | daemon-reload) exit 0 ;;
  stop)
    known "$unit" && stop_unit "$unit"
    exit 0 ;;
  start | restart)
    known "$unit" || { echo "Failed to $verb $unit.service: Unit $unit.service not found." >&2; exit 5; }
    [[ $verb == restart ]] && stop_unit "$unit"
    pid_alive "$unit-supervisor" && exit 0
    setsid bash "$0" "$state" __supervise "$unit" </dev/null >>"$state/$unit.log" 2>&1 &
    echo $! >"$state/$unit-supervisor.pid"
    exit 0 ;;
  __supervise)
    trap 'pid_alive "$unit" && kill "$(cat "$state/$unit.pid")"; exit 0' TERM
    while :; do
      echo "[systemctl] $(date -u +%T.%N | cut -c1-12) starting $unit"
      bash "$0" "$state" __run "$unit" &
      echo $! >"$state/$unit.pid"
      wait $!
      echo "[systemctl] $unit exited with $?; restarting in ${RESTART_SEC}s (Restart=always)"
      sleep "$RESTART_SEC" &
      wait $!
    done ;;
  __run) run_unit "$unit" ;;
  *)
    echo "systemctl (harness node): '$*' is not supported" >&2
    exit 1 ;;
esac
