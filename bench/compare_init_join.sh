#!/usr/bin/env bash
# Benchmark (on demand, never a test): kadm vs real kubeadm v1.37.2 end to end on the real-node
# harness, on identical hosts (same images from the same mirror, same containerd, same kubelet,
# same configuration):
#   - init: from the command's start until its control plane is healthy (the command's own
#     wait) and its Node is Ready;
#   - worker join: from the command's start until the worker's Node is Ready.
# Both tools run in one run, one after the other: the first one's cluster (control plane and
# worker) is taken down before the second starts, so that neither init shares the two cores with
# the other's running cluster. BENCH_FIRST=kubeadm runs kubeadm first (default: kadm); run both
# orders. kadm's phases come from its NDJSON events (`--output json`): the table after the totals
# says where kadm's time goes. BENCH_IMAGES=cached puts every image of the configuration into each
# host's containerd before its tool starts, untimed: nodes made from a machine image that already
# holds them (default: pulled, each run pulls from the mirror).
#
#   sudo bench/compare_init_join.sh
#   sudo BENCH_FIRST=kubeadm bench/compare_init_join.sh
#   sudo BENCH_IMAGES=cached bench/compare_init_join.sh
# BENCH_RESULT=FILE also writes the four steps to FILE, one line each: step, kadm ms, kubeadm ms,
# tab-separated (bench/compare_init_join_runs.sh reads them).
set -euo pipefail
cd "$(dirname "$0")/.."
# Wrong settings fail before any host is made.
case ${BENCH_FIRST:=kadm} in kadm | kubeadm) ;; *)
  echo "BENCH_FIRST is kadm or kubeadm, not ${BENCH_FIRST}" >&2; exit 2 ;;
esac
case ${BENCH_IMAGES:=pulled} in pulled | cached) ;; *)
  echo "BENCH_IMAGES is pulled or cached, not ${BENCH_IMAGES}" >&2; exit 2 ;;
esac
export KADM=${KADM:-$PWD/build-release/cmd/kadm}
if [[ -z ${KADM_NO_BUILD:-} ]]; then
  # An optimised build of its own: the test build is unoptimised for compile speed.
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build-release kadm >/dev/null
fi
source tests/harness/lib.sh
source tests/e2e/lib/kadm_cluster.sh
harness_can_run || exit 1
harness_trap_cleanup

harness_node_up a1 10.213.0.100   # kadm's control plane
harness_node_up aw 10.213.0.101   # kadm's worker
harness_node_up k1 10.213.0.102   # kubeadm's control plane
harness_node_up kw 10.213.0.103   # kubeadm's worker

# node_ready_ms CP NAME START_NS: waits (100 ms polls) for NAME's Ready condition, seen from CP;
# prints the milliseconds since START_NS.
node_ready_ms() {
  local cp=$1 name=$2 start=$3 st i
  for ((i = 0; i < 3000; i++)); do
    st=$(harness_exec "$cp" kubectl --kubeconfig /etc/kubernetes/admin.conf get node "$name" \
      -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    [[ $st == True ]] && { ms_since "$start"; return; }
    sleep 0.1
  done
  harness_node_diagnose "$name" >&2
  fail "node $name not Ready"
}

# The same configuration for both tools (kadm_init_config writes the harness's v1beta4 file).
cfg_a=$(kadm_init_config a1)
cfg_k=$(kadm_init_config k1)
logs_a=$(harness_host_root a1)/logs logs_k=$(harness_host_root k1)/logs
# What BENCH_IMAGES=cached pulls: read on a1 while it holds the configuration file.
images=""
if [[ $BENCH_IMAGES == cached ]]; then
  images=$(harness_exec a1 "$KADM" config images list --config "$cfg_a")
  [[ -n $images ]] || fail "kadm config images list gave no images"
fi
# kadm's events outlive its hosts (taken down with them); the run's cleanup removes them.
events=$HARNESS_RUN_DIR/bench-events
mkdir -p "$events"

# cache_images HOST...: with BENCH_IMAGES=cached, pulls every image of the configuration on each
# HOST before the timed commands (none otherwise: $images is empty).
cache_images() {
  local host img
  for host in "$@"; do
    for img in $images; do
      harness_exec "$host" crictl pull "$img" >/dev/null 2>&1 || fail "cannot pull $img on $host"
    done
  done
}

kadm_side() {
  local start
  cache_images a1 aw
  # kadm init; its phase events on stdout.
  start=$(date +%s%N)
  harness_exec a1 "$KADM" init --config "$cfg_a" "${KADM_PREFLIGHT_ARGS[@]}" --output json \
    >"$logs_a/init.json" 2>"$logs_a/init.err" || { cat "$logs_a/init.err" >&2; fail "kadm init failed"; }
  kadm_init_cmd_ms=$(ms_since "$start")
  kadm_init_ms=$(node_ready_ms a1 a1 "$start")
  # The worker joins with the command init printed.
  read -r -a kadm_join <<<"$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event") == "result": print(e["joinCommand"])' "$logs_a/init.json")"
  start=$(date +%s%N)
  harness_exec aw "$KADM" join "${kadm_join[@]:2}" "${KADM_PREFLIGHT_ARGS[@]}" --output json \
    >"$logs_a/join.json" 2>"$logs_a/join.err" || { cat "$logs_a/join.err" >&2; fail "kadm join failed"; }
  kadm_join_cmd_ms=$(ms_since "$start")
  kadm_join_ms=$(node_ready_ms a1 aw "$start")
  cp "$logs_a/init.json" "$logs_a/join.json" "$events/"
  harness_host_down aw
  harness_host_down a1
}

kubeadm_side() {
  local start
  cache_images k1 kw
  start=$(date +%s%N)
  harness_exec k1 kubeadm init --config "$cfg_k" "${KUBEADM_VM_PREFLIGHT_ARGS[@]}" \
    >"$logs_k/init.log" 2>&1 || { cat "$logs_k/init.log" >&2; fail "kubeadm init failed"; }
  kubeadm_init_cmd_ms=$(ms_since "$start")
  kubeadm_init_ms=$(node_ready_ms k1 k1 "$start")
  read -r -a kubeadm_join <<<"$(harness_exec k1 kubeadm token create --print-join-command \
    --kubeconfig /etc/kubernetes/admin.conf)"
  start=$(date +%s%N)
  harness_exec kw kubeadm join "${kubeadm_join[@]:2}" "${KUBEADM_VM_PREFLIGHT_ARGS[@]}" \
    --cri-socket unix:///var/run/containerd/containerd.sock >"$logs_k/join.log" 2>&1 ||
    { cat "$logs_k/join.log" >&2; fail "kubeadm join failed"; }
  kubeadm_join_cmd_ms=$(ms_since "$start")
  kubeadm_join_ms=$(node_ready_ms k1 kw "$start")
  harness_host_down kw
  harness_host_down k1
}

if [[ $BENCH_FIRST == kadm ]]; then kadm_side; kubeadm_side; else kubeadm_side; kadm_side; fi
echo "first: $BENCH_FIRST, images: $BENCH_IMAGES"

printf '%-34s %10s %10s %13s\n' step kadm_ms kubeadm_ms kubeadm/kadm
[[ -z ${BENCH_RESULT:-} ]] || : >"$BENCH_RESULT"
row() {
  awk -v s="$1" -v a="$2" -v k="$3" 'BEGIN {printf "%-34s %10d %10d %13.2f\n", s, a, k, k / (a ? a : 1)}'
  [[ -z ${BENCH_RESULT:-} ]] || printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$BENCH_RESULT"
}
row "init: command returned" "$kadm_init_cmd_ms" "$kubeadm_init_cmd_ms"
row "init: until the Node is Ready" "$kadm_init_ms" "$kubeadm_init_ms"
row "join: command returned" "$kadm_join_cmd_ms" "$kubeadm_join_cmd_ms"
row "join: until the Node is Ready" "$kadm_join_ms" "$kubeadm_join_ms"

# Where kadm's time goes: the leaf phases' durations (ms) from its NDJSON events.
for f in "$events/init.json" "$events/join.json"; do
  echo "kadm phases ($(basename "$f" .json)), slowest first:"
  python3 -c 'import json,sys
ev = [json.loads(l) for l in open(sys.argv[1])]
fin = [e for e in ev if e.get("event") == "phase-finished"]
names = [e["phase"] for e in fin]
# Leaves only: a group ("certs") also reports the sum of its children.
leaves = [e for e in fin if not any(n.startswith(e["phase"] + "/") for n in names)]
for e in sorted(leaves, key=lambda e: -e["durationMs"])[:8]:
    print("  %-32s %6d ms" % (e["phase"], e["durationMs"]))' "$f"
done
