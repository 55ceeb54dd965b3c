#!/usr/bin/env bash
# A phase subcommand's flags are added only when the command line reaches it (cmd/phase_commands.h),
# and a run builds only the top-level command it names (cmd/registry.h): help, completion and runs
# must still see every command and every flag, on every workflow.
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

# Every command the root help lists is there when named alone (also after -v N), with its own
# subcommands: each registration names the command it adds to.
"$KADM" --help >"$work/root" 2>&1 || fail "kadm --help failed"
commands=$(awk '/^Subcommands:/{f=1; next} f && /^  [a-z]/{print $1}' "$work/root")
(($(wc -w <<<"$commands") >= 12)) || fail "kadm --help lists only: $commands"
for c in $commands; do
  "$KADM" -v 2 "$c" --help >"$work/one" 2>&1 || fail "'kadm -v 2 $c --help' failed: $(cat "$work/one")"
  grep -q "kadm $c" "$work/one" || fail "'kadm $c --help' is not the help of $c: $(head -3 "$work/one")"
done
has_flag check-expiration certs
has_flag renew certs
has_flag certificate-key certs
has_flag approve-kubelet-serving certs
has_flag images config
has_flag migrate config
"$KADM" version -o short | grep -q . || fail "kadm version -o short printed nothing"
# A misspelt command is a usage error (exit 3) that names the word and the closest command, as
# kubeadm's; help for a real command is not taken for one.
set +e
"$KADM" -v 1 initt --config x.yaml >"$work/err" 2>&1
rc=$?
set -e
((rc == 3)) || fail "a misspelt command exited $rc, want 3"
grep -q 'unknown command "initt" for "kadm"' "$work/err" && grep -q $'^\tinit$' "$work/err" ||
  fail "a misspelt command said: $(cat "$work/err")"

echo "cli_phase_flags: ok"
