#!/usr/bin/env bash
# Stops the local cluster of scripts/cluster-up.sh and removes every trace of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_RUN_ID=${KADM_CLUSTER_ID:-c1a57e}
export HARNESS_RUN_DIR=${TMPDIR:-/tmp}/kadm-harness.$HARNESS_RUN_ID
[[ -d $HARNESS_RUN_DIR ]] || { echo "no kadm cluster is up"; exit 0; }
source tests/harness/lib.sh
harness_cleanup_all
echo "kadm cluster removed"
