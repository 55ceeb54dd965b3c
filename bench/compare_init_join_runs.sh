#!/usr/bin/env bash
# Benchmark (on demand, never a test): bench/compare_init_join.sh RUNS times, the first tool
# alternating (kadm first in odd runs, kubeadm first in even ones), then each step's kadm and
# kubeadm times and ratio per run, and the medians. BENCH_IMAGES passes through. One build
# before the first run; each run's full output is kept in the log directory it names.
#
#   sudo bench/compare_init_join_runs.sh [RUNS]          (default: 8)
#   sudo BENCH_IMAGES=cached bench/compare_init_join_runs.sh 8
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-8}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, not '$runs'" >&2; exit 2; }
export KADM=${KADM:-$PWD/build-release/cmd/kadm}
if [[ -z ${KADM_NO_BUILD:-} ]]; then
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build-release kadm >/dev/null
fi
logs=$(mktemp -d /tmp/kadm-bench-init-join.XXXXXX)
echo "runs' output: $logs"
for ((i = 1; i <= runs; i++)); do
  first=kadm
  ((i % 2 == 0)) && first=kubeadm
  if ! BENCH_FIRST=$first KADM_NO_BUILD=1 bash bench/compare_init_join.sh >"$logs/run$i.log" 2>&1; then
    tail -20 "$logs/run$i.log" >&2
    echo "run $i failed (its output: $logs/run$i.log)" >&2
    exit 1
  fi
  echo "run $i ($first first) done"
done
python3 - "$logs" "$runs" <<'PY'
import re, statistics, sys
logs, runs = sys.argv[1], int(sys.argv[2])
steps = ["init: command returned", "init: until the Node is Ready",
         "join: command returned", "join: until the Node is Ready"]
rows = {s: [] for s in steps}
for i in range(1, runs + 1):
    text = open(f"{logs}/run{i}.log").read()
    for s in steps:
        m = re.search(re.escape(s) + r"\s+(\d+)\s+(\d+)\s+([\d.]+)", text)
        if not m:
            sys.exit(f"run {i}: no '{s}' row in {logs}/run{i}.log")
        rows[s].append((int(m[1]), int(m[2]), float(m[3])))
print("%-32s %s" % ("step (kadm ms / kubeadm ms = ratio)", "  ".join("run%-13d" % i for i in range(1, runs + 1))))
for s in steps:
    print("%-32s %s" % (s, "  ".join("%5d/%5d=%4.2f" % r for r in rows[s])))
print()
print("%-32s %12s %12s %14s %s" % ("median", "kadm ms", "kubeadm ms", "kubeadm/kadm", "ratio range"))
for s in steps:
    a = statistics.median(r[0] for r in rows[s])
    k = statistics.median(r[1] for r in rows[s])
    q = [r[2] for r in rows[s]]
    print("%-32s %12.0f %12.0f %14.2f %.2f-%.2f" % (s, a, k, statistics.median(q), min(q), max(q)))
PY
