#!/usr/bin/env bash
# A phase subcommand's flags are added only when the command line reaches it (cmd/phase_commands.h):
# help, completion and runs must still see every one of them, on every workflow.
set -euo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

has_flag() { # FLAG COMMAND...: the command's --help lists FLAG
  local flag=$1; shift
  "$KADM" "$@" --help >"$work/help" 2>&1 || fail "'kadm $* --help' failed: $(cat "$work/help")"
  grep -q -- "$flag" "$work/help" || fail "'kadm $* --help' does not list $flag"
}
has_flag --apiserver-cert-extra-sans init phase certs apiserver
has_flag --cert-dir init phase certs all
has_flag --discovery-token-ca-cert-hash join phase preflight
has_flag --cleanup-tmp-dir reset phase cleanup-node
has_flag --etcd-upgrade upgrade apply phase control-plane

# Completion walks the whole tree: a phase's flags complete too.
"$KADM" completion bash >"$work/completion" || fail "kadm completion bash failed"
got=$(bash -c 'source "$1"; COMP_WORDS=(kadm init phase certs apiserver --apiserver-cert-extra)
  COMP_CWORD=5; _kadm_complete; echo "${COMPREPLY[*]}"' _ "$work/completion")
[[ $got == --apiserver-cert-extra-sans ]] || fail "a phase flag completes to '$got'"

# Flags after the phase and after the workflow's own name reach the same run.
"$KADM" init phase certs ca --cert-dir "$work/pki" >/dev/null
[[ -s $work/pki/ca.crt && -s $work/pki/ca.key ]] || fail "init phase certs ca --cert-dir wrote no CA"
"$KADM" init phase certs front-proxy-ca --cert-dir="$work/pki" -v 1 >/dev/null
[[ -s $work/pki/front-proxy-ca.crt ]] || fail "--cert-dir=DIR on a phase was not honoured"

# An unknown flag on a phase is still refused as a usage error (exit 3), naming it.
set +e
"$KADM" init phase certs ca --no-such-flag >"$work/err" 2>&1
rc=$?
set -e
((rc == 3)) || fail "an unknown phase flag exited $rc, want 3"
grep -q -- --no-such-flag "$work/err" || fail "the error does not name the flag: $(cat "$work/err")"
echo "cli_phase_flags: ok"
