# shellcheck shell=bash
# What every kadm e2e test starts with (source it right after setting TESTS_DIR): the harness
# (real nodes included), the kadm helpers, a skip (77) where this machine cannot run test hosts,
# cleanup of every host on exit, and the kadm binary under test.
source "$TESTS_DIR/harness/lib.sh"
source "$TESTS_DIR/e2e/lib/kadm_cluster.sh"
harness_can_run || exit 77
harness_trap_cleanup
[[ -x ${KADM:-} ]] || fail "KADM must point at the kadm binary"
