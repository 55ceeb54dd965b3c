#!/usr/bin/env bash
# Benchmark (on demand, never a test): bench/compare_init_join.sh RUNS times, the first tool
# alternating (kadm first in odd runs, kubeadm first in even ones), then each step's kadm and
# kubeadm times and ratio per run, and the medians. BENCH_IMAGES and KADM_NO_BUILD pass through
# (the first run builds kadm, the others reuse it). Each run's full output is kept in the log
# directory it names.
#
#   sudo bench/compare_init_join_runs.sh [RUNS]          (default: 8)
#   sudo BENCH_IMAGES=cached bench/compare_init_join_runs.sh 8
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-8}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, not '$runs'" >&2; exit 2; }
logs=$(mktemp -d /tmp/kadm-bench-init-join.XXXXXX)
echo "runs' output: $logs"
for ((i = 1; i <= runs; i++)); do
  first=kadm
  ((i % 2 == 0)) && first=kubeadm
  if ! BENCH_FIRST=$first BENCH_RESULT="$logs/run$i.tsv" bash bench/compare_init_join.sh \
    >"$logs/run$i.log" 2>&1; then
    tail -20 "$logs/run$i.log" >&2
    echo "run $i failed (its output: $logs/run$i.log)" >&2
    exit 1
  fi
  export KADM_NO_BUILD=1
  echo "run $i ($first first) done"
done
python3 - "$logs" "$runs" <<'PY'
import statistics, sys
logs, runs = sys.argv[1], int(sys.argv[2])
rows = {}
for i in range(1, runs + 1):
    for line in open(f"{logs}/run{i}.tsv"):
        step, kadm, kubeadm = line.rstrip("\n").split("\t")
        a, k = int(kadm), int(kubeadm)
        rows.setdefault(step, []).append((a, k, k / a if a else 0.0))
print("each run: kadm ms / kubeadm ms = kubeadm/kadm")
for step, r in rows.items():
    print("%-32s %s" % (step, "  ".join("%5d/%5d=%5.2f" % x for x in r)))
print()
print("%-32s %10s %10s %13s %s" % ("median", "kadm ms", "kubeadm ms", "kubeadm/kadm", "ratio range"))
for step, r in rows.items():
    q = [x[2] for x in r]
    print("%-32s %10.0f %10.0f %13.2f %.2f-%.2f" % (step, statistics.median(x[0] for x in r),
          statistics.median(x[1] for x in r), statistics.median(q), min(q), max(q)))
PY
