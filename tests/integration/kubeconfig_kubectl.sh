#!/usr/bin/env bash
# The kubeconfig files of `kadm init phase kubeconfig all` parse with kubectl, carry the expected
# users and servers, are 0600 and their client certificates verify against ca.crt.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
[[ -x /usr/bin/kubectl ]] || exit 77
# Skipped until `kadm init phase ...` is wired (CLI11 prints the root help for an unknown command,
# so look for "init" among the listed subcommands).
if ! "$KADM" init --help >/dev/null 2>&1 || ! "$KADM" --help 2>&1 | grep -Eq '^ +init( |$)'; then
  echo "init phases not wired yet"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
d="$work/pki"
k="$work/kube"
mkdir -p "$k"
common=(--cert-dir "$d" --apiserver-advertise-address 127.0.0.1 --node-name node1)
"$KADM" init phase certs all "${common[@]}" >/dev/null
"$KADM" init phase kubeconfig all "${common[@]}" --kubeconfig-dir "$k" >"$work/out.txt"

fail() { echo "FAIL: $*" >&2; exit 1; }
declare -A user_of=(
  [admin.conf]=kubernetes-admin [super-admin.conf]=kubernetes-super-admin
  [kubelet.conf]=system:node:node1 [controller-manager.conf]=system:kube-controller-manager
  [scheduler.conf]=system:kube-scheduler)
for f in "${!user_of[@]}"; do
  path="$k/$f"
  [[ -f $path ]] || fail "$f missing"
  [[ $(stat -c %a "$path") == 600 ]] || fail "$f is not 0600"
  grep -q "Writing \"$f\" kubeconfig file" "$work/out.txt" || fail "no Writing line for $f"
  /usr/bin/kubectl config view --kubeconfig "$path" >/dev/null || fail "kubectl cannot read $f"
  user=$(/usr/bin/kubectl config view --kubeconfig "$path" -o jsonpath='{.users[0].name}')
  [[ $user == "${user_of[$f]}" ]] || fail "$f user is $user"
  ctx=$(/usr/bin/kubectl config current-context --kubeconfig "$path")
  [[ $ctx == "${user_of[$f]}@kubernetes" ]] || fail "$f context is $ctx"
  server=$(/usr/bin/kubectl config view --kubeconfig "$path" -o jsonpath='{.clusters[0].cluster.server}')
  [[ $server == https://127.0.0.1:6443 ]] || fail "$f server is $server"
  /usr/bin/kubectl config view --kubeconfig "$path" --raw -o jsonpath='{.users[0].user.client-certificate-data}' \
    | base64 -d >"$work/client.crt"
  openssl verify -CAfile "$d/ca.crt" "$work/client.crt" >/dev/null || fail "$f client cert does not verify"
  if openssl verify -CAfile "$d/front-proxy-ca.crt" "$work/client.crt" >/dev/null 2>&1; then
    fail "$f client cert verifies against the front-proxy CA"
  fi
  /usr/bin/kubectl config view --kubeconfig "$path" --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
    | base64 -d | cmp - "$d/ca.crt" || fail "$f embeds another CA"
done
openssl x509 -in <(/usr/bin/kubectl config view --kubeconfig "$k/admin.conf" --raw \
  -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d) -noout -subject \
  | grep -q 'O = kubeadm:cluster-admins' || fail "admin.conf group"

# Re-run: existing files are kept.
"$KADM" init phase kubeconfig all "${common[@]}" --kubeconfig-dir "$k" >"$work/out2.txt"
grep -q 'Using existing kubeconfig file' "$work/out2.txt" || fail "no reuse on re-run"
echo PASS
