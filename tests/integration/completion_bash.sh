#!/usr/bin/env bash
# `kadm completion bash` completes the real command tree: sourced in bash, the function fills
# COMPREPLY for partial words as the shell would on <TAB>; zsh gets the same through bashcompinit.
set -euo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
script=$("$KADM" completion bash) || fail "kadm completion bash failed"
bash -n <<<"$script" || fail "the bash completion does not parse"

# complete WORDS...: the candidates for the last word, as bash computes them for <TAB>.
complete_words() {
  bash -c 'source /dev/stdin; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kadm_complete; echo "${COMPREPLY[*]}"' \
    _ "$@" <<<"$script"
}
expect() {
  local want=$1; shift
  local got; got=$(complete_words "$@")
  [[ $got == "$want" ]] || fail "'$*<TAB>' completes to '$got', want '$want'"
}
expect phase kadm init ph
expect create kadm token cr
expect "certs control-plane" kadm init phase c
expect --skip-token-print kadm init --config /tmp/x.yaml --skip-token-p
expect "" kadm token create --nonexistent-flag-prefix
got=$(complete_words kadm init phase "")
for w in preflight certs kubeconfig etcd control-plane; do
  grep -qw -- "$w" <<<"$got" || fail "'kadm init phase <TAB>' lacks $w: $got"
done
complete -p 2>/dev/null | grep -q _kadm_complete && fail "completion leaked into the test shell"
bash -c 'source /dev/stdin; complete -p kadm' <<<"$script" | grep -q -- '-F _kadm_complete kadm' ||
  fail "the script does not register _kadm_complete for kadm"

zsh=$("$KADM" completion zsh)
head -n 3 <<<"$zsh" | grep -q bashcompinit || fail "zsh completion lacks bashcompinit"
if "$KADM" completion fish >/dev/null 2>&1; then fail "an unknown shell is accepted"; fi
echo "completion: ok"
