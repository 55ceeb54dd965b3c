#!/usr/bin/env bash
# Bad input to `kadm init` fails with a reason naming the problem, a non-zero exit, and nothing
# written: malformed YAML, unknown apiVersion, invalid CIDR, overlapping CIDRs, unknown
# encryption algorithm, an unwritable certificate directory, an unknown phase.
set -uo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
work=$(mktemp -d)
trap 'chattr -i "$work/ro" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_refused NAME PATTERN CONFIG_BODY [extra args...]
expect_refused() {
  local name=$1 pattern=$2 body=$3; shift 3
  local dir=$work/$name
  mkdir -p "$dir"
  printf '%s\n' "$body" >"$dir/config.yaml"
  local out rc
  out=$("$KADM" init phase certs all --config "$dir/config.yaml" "$@" 2>&1)
  rc=$?
  ((rc != 0)) || fail "$name: exit code 0"
  grep -qiE "$pattern" <<<"$out" || fail "$name: message does not match /$pattern/: $out"
  [[ -z $(find "$dir/pki" -type f 2>/dev/null) ]] || fail "$name: files were written: $(find "$dir/pki" -type f)"
  echo "ok: $name (exit $rc): $(grep -iE "$pattern" <<<"$out" | head -1)"
}

header() {
  cat <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
nodeRegistration:
  name: node1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
certificatesDir: $work/$1/pki
YAML
}

expect_refused malformed_yaml 'yaml|line' "$(header malformed_yaml)
networking: [serviceSubnet: 10.96.0.0/12"
expect_refused unknown_api_version 'apiVersion|v1beta9' "apiVersion: kubeadm.k8s.io/v1beta9
kind: InitConfiguration"
expect_refused invalid_cidr 'serviceSubnet|10\.96\.0\.0/33' "$(header invalid_cidr)
networking:
  serviceSubnet: 10.96.0.0/33"
expect_refused overlapping_cidrs 'overlap' "$(header overlapping_cidrs)
networking:
  serviceSubnet: 10.96.0.0/12
  podSubnet: 10.96.0.0/16"
expect_refused unknown_algorithm 'encryptionAlgorithm|RSA-1024' "$(header unknown_algorithm)
encryptionAlgorithm: RSA-1024"

# A certificate directory below a regular file cannot be created.
mkdir -p "$work/unwritable"
touch "$work/unwritable/file"
body="$(header unwritable | sed "s#certificatesDir: .*#certificatesDir: $work/unwritable/file/pki#")"
printf '%s\n' "$body" >"$work/unwritable/config.yaml"
out=$("$KADM" init phase certs all --config "$work/unwritable/config.yaml" 2>&1) && fail "unwritable: exit 0"
grep -q "$work/unwritable/file" <<<"$out" || fail "unwritable: message does not name the path: $out"
[[ $(find "$work/unwritable" -type f | wc -l) == 2 ]] || fail "unwritable: files were written"
echo "ok: unwritable cert dir: $(tail -1 <<<"$out")"

out=$("$KADM" init phase certs al 2>&1) && fail "unknown phase: exit 0"
grep -q 'not expected: al' <<<"$out" || fail "unknown phase: the typo is not named: $out"
out=$("$KADM" init --skip-phases certz --dry-run 2>&1) && fail "unknown skipped phase: exit 0"
grep -q 'did you mean "certs"' <<<"$out" || fail "unknown phase: no suggestion: $out"
echo "ok: unknown phase: $(grep -o 'invalid phase name.*' <<<"$out" | head -1)"

# Invalid command lines exit 3 (README "Exit codes"), not with the parser's own codes.
for args in "init --no-such-flag" "init phase certs all --config" "token create --ttl 1.2.3s" ""; do
  # shellcheck disable=SC2086
  out=$("$KADM" $args 2>&1)
  rc=$?
  ((rc == 3)) || fail "\"kadm $args\": exit $rc, want 3: $out"
done
echo "ok: invalid command lines exit 3"

((failures == 0)) || exit 1
echo PASS
