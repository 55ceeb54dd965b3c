#!/usr/bin/env bash
# Crash safety (issue 14): `kadm init --upload-certs --output json` is SIGKILLed at points read
# from its own NDJSON progress stream — in the middle of certs, of kubeconfig, 2 s into
# wait-control-plane (the run that once left an apiserver without its RBAC roles for the next
# run), and at each later phase boundary (upload-config, upload-certs, mark-control-plane,
# bootstrap-token, kubelet-finalize, addon, show-join-command) — and the same command is run
# again each time.
# Each run must finish the phase the previous one died in, and the last one converges to a
# working control plane (readyz passes every check, the Node is Ready by its kubelet) with no reset and no manual step. After every kill, every file under /etc/kubernetes
# parses (certificates and keys with openssl, kubeconfigs with kubectl, manifests as YAML) and
# every key and kubeconfig is 0600; at the end no temp file of an interrupted write is left.
# /var/lib/etcd and /var/lib/kubelet start 0755 (as a package or an earlier kubelet leaves them)
# and end 0700 (CIS 1.1.11; kubeadm's kubelet dir).
# A worker join killed during kubelet-start is run again: it joins, or fails with a message that
# names the file to remove, and joins once that file is gone.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.71
harness_node_up w1 10.213.0.72
logs=$(harness_host_root cp1)/logs
root=$(harness_host_root cp1)/fs
bin=$(harness_bin_dir)
chmod 0755 "$root/var/lib/etcd" "$root/var/lib/kubelet" "$(harness_host_root w1)/fs/var/lib/kubelet"
cfg=$(kadm_init_config cp1)
kadm_real=$(readlink -f "$KADM")

# run_killed HOST NAME PATTERN DELAY ARGS...: runs `kadm ARGS... --output json` in HOST in the
# background (NDJSON to $logs/NAME.json, the rest to NAME.err); once the stream has a line
# matching PATTERN, waits DELAY seconds and SIGKILLs kadm (only that process: the kubelet and
# the control plane it started keep running, as after a crash). The run must have finished the
# phase the previous one was killed in ($KILLED_IN), and sets KILLED_IN. Returns 1 if kadm
# completed first (its last event the result) and MAY_COMPLETE is set; fails otherwise.
run_killed() {
  local host=$1 name=$2 pattern=$3 delay=$4 json err wrapper pid="" end
  shift 4
  json=$logs/$name.json err=$logs/$name.err
  : >"$json"
  wrapper=$(harness_exec_bg "$host" "$err" sh -c 'exec "$@" >"$0"' "$json" "$KADM" "$@" --output json)
  end=$((SECONDS + 240))
  # nsenter forks once to enter the PID namespace; that child execs env, sh and then kadm. Find
  # kadm first (during preflight), so the kill follows the pattern as closely as it can: with its
  # keys made in the background, kadm passes through certs and kubeconfig in well under 100 ms.
  until [[ -n $pid ]] || ! kill -0 "$wrapper" 2>/dev/null; do
    for pid in $(pgrep -P "$wrapper" || true); do [[ $(readlink -f "/proc/$pid/exe") == "$kadm_real" ]] && break; pid=""; done
    [[ -n $pid ]] || sleep 0.01
  done
  until grep -qE "$pattern" "$json"; do
    kill -0 "$wrapper" 2>/dev/null || break
    ((SECONDS < end)) || fail "$name: no /$pattern/ in 240 s"
    sleep 0.005
  done
  [[ -n $pid ]] && sleep "$delay"
  if [[ -z $pid ]] || ! kill -KILL "$pid" 2>/dev/null; then
    while kill -0 "$wrapper" 2>/dev/null; do sleep 0.05; done
    if [[ -n ${MAY_COMPLETE:-} && $(tail -1 "$json") == '{"event":"result"'* ]]; then
      echo "$name: completed before /$pattern/ or the kill"
      return 1
    fi
    cat "$err" "$json" >&2
    fail "$name: kadm ended before /$pattern/ and the kill"
  fi
  while kill -0 "$wrapper" 2>/dev/null; do sleep 0.05; done
  if [[ -n $KILLED_IN ]]; then
    grep -q "\"event\":\"phase-finished\",\"phase\":\"$KILLED_IN\"" "$json" ||
      fail "$name did not finish $KILLED_IN, where the previous run died"
  fi
  KILLED_IN=$(grep -o '"phase":"[^"]*"' "$json" | tail -1 | cut -d'"' -f4)
  echo "$name: killed in $KILLED_IN (last event: $(tail -1 "$json" | cut -c1-80))"
}
KILLED_IN=""

# check_files DIR...: every file parses and secrets are 0600 (DIR seen from outside the host).
check_files() {
  local f n=0 mode
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    mode=$(stat -c %a "$f")
    case $f in
      */.*.tmp-*) echo "  temp file of an interrupted write (hidden, removed by the next write): ${f#*/fs}" ;;
      *.crt) openssl x509 -noout -in "$f" || fail "${f#*/fs} is not a certificate" ;;
      *.key)
        openssl pkey -noout -in "$f" || fail "${f#*/fs} is not a private key"
        [[ $mode == 600 ]] || fail "${f#*/fs} is $mode, not 0600" ;;
      *.pub) openssl pkey -pubin -noout -in "$f" || fail "${f#*/fs} is not a public key" ;;
      *.conf)
        [[ $mode == 600 ]] || fail "${f#*/fs} is $mode, not 0600"
        [[ -n $("$bin/kubectl" config view --kubeconfig "$f" -o 'jsonpath={.current-context}') ]] ||
          fail "${f#*/fs} does not load as a kubeconfig"
        local data
        data=$("$bin/kubectl" config view --kubeconfig "$f" --raw -o 'jsonpath={.users[0].user.client-key-data}')
        if [[ -n $data ]]; then base64 -d <<<"$data" | openssl pkey -noout || fail "${f#*/fs}: client key does not load"; fi
        data=$("$bin/kubectl" config view --kubeconfig "$f" --raw -o 'jsonpath={.users[0].user.client-certificate-data}')
        if [[ -n $data ]]; then base64 -d <<<"$data" | openssl x509 -noout || fail "${f#*/fs}: client certificate does not load"; fi ;;
      *.yaml) python3 -c 'import sys,yaml; d=list(yaml.safe_load_all(open(sys.argv[1]))); assert d and all(isinstance(x, dict) and x.get("kind") for x in d), "no kind"' "$f" ||
        fail "${f#*/fs} does not parse as a YAML object" ;;
      *.env) grep -q '^KUBELET_KUBEADM_ARGS=' "$f" || fail "${f#*/fs} is not kubeadm-flags.env" ;;
      *.pem) openssl x509 -noout -in "$f" && openssl pkey -noout -in "$f" || fail "${f#*/fs} is not a cert+key pem" ;;
    esac
  done < <(find "$@" -type f -print0)
  echo "  $n files parse; keys and kubeconfigs 0600"
}

temp_files() { find "$@" -name '.*.tmp-*' 2>/dev/null; }

init_args=(init --config "$cfg" --upload-certs)
started() { echo "\"event\":\"phase-started\",\"phase\":\"$1\""; }

# Before the control plane runs, preflight passes on every rerun (certs and kubeconfigs of an
# earlier run are not its business); run it each time.
run_killed cp1 run1 "$(started certs/apiserver)" 0 "${init_args[@]}" "${KADM_PREFLIGHT_ARGS[@]}"
check_files "$root/etc/kubernetes"
# The kill lands as soon as the test sees the event, which may be a few phases later. Once a run
# has written the control plane's manifests (etcd, control-plane and later), preflight rightly
# refuses them (as it would any running control plane), so the next run skips only preflight.
rerun_args_after() {
  case $KILLED_IN in
    preflight | certs* | kubeconfig*) echo "${init_args[@]}" "${KADM_PREFLIGHT_ARGS[@]}" ;;
    *) echo "${init_args[@]}" --skip-phases=preflight ;;
  esac
}
read -r -a args <<<"$(rerun_args_after)"
run_killed cp1 run2 "$(started kubeconfig/admin)" 0 "${args[@]}"
check_files "$root/etc/kubernetes"
ca=$(sha256sum <"$root/etc/kubernetes/pki/ca.crt")
read -r -a args <<<"$(rerun_args_after)"
run_killed cp1 run3 "$(started wait-control-plane)" 2 "${args[@]}"
check_files "$root/etc/kubernetes"

# From here the kubelet runs the control plane of the killed run: its ports are bound, its
# manifests are in place and etcd's data dir is not empty, and preflight rightly says so (it
# would say the same of any running control plane). The reruns skip only preflight.
rerun_args=("${init_args[@]}" --skip-phases=preflight)
# Then each run is killed as the phase the previous run died in finishes: one kill at every
# phase boundary after wait-control-plane (the API phases take well under a second each), until
# a run completes.
n=3
while :; do
  n=$((n + 1))
  ((n <= 20)) || fail "no run completed after 20 runs"
  MAY_COMPLETE=1 run_killed cp1 "run$n" "\"event\":\"phase-finished\",\"phase\":\"$KILLED_IN\"" 0 "${rerun_args[@]}" || break
  check_files "$root/etc/kubernetes"
done
last=$n
((last - 4 >= 4)) || fail "only $((last - 4)) kills after wait-control-plane: the boundaries were not hit"

grep -q '"event":"phase-finished","phase":"show-join-command"' "$logs/run$last.json" || fail "run$last did not run every phase"
grep -q 'initialized successfully' "$logs/run$last.err" || fail "run$last printed no success text"
grep -q "\"event\":\"phase-finished\",\"phase\":\"$KILLED_IN\"" "$logs/run$last.json" || fail "run$last did not finish $KILLED_IN"
[[ $(tail -1 "$logs/run$last.json") == '{"event":"result"'* ]] || fail "run$last's last event is not the result"
for ((r = 1; r <= last; r++)); do
  ! grep -q '"event":"error"' "$logs/run$r.json" || fail "run$r reported an error: $(grep '"event":"error"' "$logs/run$r.json")"
  ! grep -qi 'forbidden' "$logs/run$r.err" || fail "run$r met a 403: $(grep -i forbidden "$logs/run$r.err")"
done
check_files "$root/etc/kubernetes" "$root/var/lib/kubelet/pki"
[[ -z $(temp_files "$root/etc/kubernetes" "$root/var/lib/kubelet") ]] || fail "temp files left: $(temp_files "$root/etc/kubernetes")"
[[ $(sha256sum <"$root/etc/kubernetes/pki/ca.crt") == "$ca" ]] || fail "the CA changed between runs"
echo "one CA across $last runs; no temp file left"

assert_control_plane_serves cp1
kadm_wait_node_ready cp1 cp1 120
echo "node cp1: Ready (reported by its kubelet)"
for d in var/lib/etcd var/lib/kubelet; do
  [[ $(stat -c %a "$root/$d") == 700 ]] || fail "/$d is $(stat -c %a "$root/$d"), not 0700"
done
echo "/var/lib/etcd and /var/lib/kubelet: 0700 (were 0755)"
tokens=$(kadm_kubectl cp1 -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o name | wc -l)
echo "bootstrap token Secrets after $last runs: $tokens (each run without a configured token makes one, as kubeadm)"
[[ $(kadm_kubectl cp1 -n kube-system get secret kubeadm-certs -o 'jsonpath={.type}') == Opaque ]] || fail "no kubeadm-certs Secret"

# A worker join killed during kubelet-start, then run again.
join_cmd=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["joinCommand"])' "$logs/run$last.json")
read -r -a join_args <<<"$join_cmd"
[[ ${join_args[0]} == kadm && ${join_args[1]} == join ]] || fail "no join command in run$last's result"
wroot=$(harness_host_root w1)/fs
logs=$(harness_host_root w1)/logs
KILLED_IN=""
run_killed w1 join1 "$(started kubelet-start)" 0 "${join_args[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}"
check_files "$wroot/etc/kubernetes" "$wroot/var/lib/kubelet"
if harness_exec w1 "$KADM" "${join_args[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}" >"$logs/join2.log" 2>&1; then
  echo "join2: the rerun joined"
else
  # It may refuse only by naming files; each named file exists, and removing them is enough.
  grep '\[ERROR' "$logs/join2.log" >&2 || { cat "$logs/join2.log" >&2; fail "join2 failed without naming what to do"; }
  named=$(grep '\[ERROR' "$logs/join2.log" | grep -oE '/(etc/kubernetes|var/lib/kubelet)/[^ :]+' | sort -u)
  [[ -n $named ]] || fail "join2's refusal names no file"
  ! grep '\[ERROR' "$logs/join2.log" | grep -vqE '/(etc/kubernetes|var/lib/kubelet)/' || fail "join2 refused for something else than a file"
  for f in $named; do
    [[ -e $wroot$f ]] || fail "join2 names $f, which does not exist"
    rm -f -- "$wroot$f"
  done
  echo "join2: refused, naming $(echo $named); removed them"
  harness_exec w1 "$KADM" "${join_args[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}" >"$logs/join3.log" 2>&1 ||
    { cat "$logs/join3.log" >&2; fail "join after removing the named files failed"; }
  echo "join3: joined"
fi
check_files "$wroot/etc/kubernetes" "$wroot/var/lib/kubelet/pki"
[[ -z $(temp_files "$wroot/etc/kubernetes" "$wroot/var/lib/kubelet") ]] || fail "temp files left on w1"
[[ $(stat -c %a "$wroot/var/lib/kubelet") == 700 ]] || fail "w1: /var/lib/kubelet is not 0700"
kadm_wait_node_ready cp1 w1 120
echo "node w1: Ready"
echo "PASS"
