#!/usr/bin/env bash
# Stops the local cluster of scripts/cluster-up.sh and removes every trace of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_RUN_ID=${KADM_CLUSTER_ID:-c1a57e}
export HARNESS_RUN_DIR=${TMPDIR:-/tmp}/kadm-harness.$HARNESS_RUN_ID
[[ -d $HARNESS_RUN_DIR ]] || { echo "no kadm cluster is up"; exit 0; }
source tests/harness/lib.sh
# `kadm reset` on every host first (workers, then the control plane), as on real machines.
for host in w2 w1 cp1; do
  [[ -f $HARNESS_RUN_DIR/hosts/$host/pid ]] || continue
  echo "==> kadm reset on $host"
  harness_exec "$host" "$PWD/build/cmd/kadm" reset --force || echo "kadm reset failed on $host (removing the host anyway)"
done
harness_cleanup_all
echo "kadm cluster removed"
