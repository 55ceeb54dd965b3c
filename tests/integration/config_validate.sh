#!/usr/bin/env bash
# `kadm config print` output validates; a broken config fails with one line per problem;
# `config migrate` turns a v1beta2 file into v1beta4 that validates again.
set -euo pipefail
: "${KADM:?KADM must point to the kadm binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$KADM" config print init-defaults > "$work/init.yaml"
"$KADM" config validate --config "$work/init.yaml" | grep -qx ok
"$KADM" config print join-defaults > "$work/join.yaml"
"$KADM" config validate --config "$work/join.yaml" | grep -qx ok

cat > "$work/bad.yaml" <<'YAML'
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.x
networking:
  serviceSubnet: 10.96.0.0/12
  podSubnet: 10.96.0.0/16,10.300.0.0/16
YAML
set +e
"$KADM" config validate --config "$work/bad.yaml" > "$work/out" 2> "$work/err"
rc=$?
set -e
[ "$rc" -ne 0 ] || { echo "bad config accepted"; exit 1; }
grep -q 'networking.podSubnet: invalid CIDR "10.300.0.0/16"' "$work/err"
grep -q 'networking.podSubnet: .* overlaps serviceSubnet' "$work/err"
grep -q '^kubernetesVersion: "v1.x"' "$work/err"

# Unknown fields only warn; wrong types fail with the line number.
printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  bindPort: abc\n' > "$work/type.yaml"
if "$KADM" config validate --config "$work/type.yaml" 2> "$work/err"; then
  echo "wrong type accepted"; exit 1
fi
grep -q "type.yaml:4: .*localAPIEndpoint.bindPort" "$work/err"

"$KADM" config migrate --old-config "$KADM_TESTS_DIR/data/config/seed_v1beta2.yaml" \
  --new-config "$work/migrated.yaml"
[ "$(stat -c %a "$work/migrated.yaml")" = 600 ]
grep -q 'apiVersion: kubeadm.k8s.io/v1beta4' "$work/migrated.yaml"
! grep -q 'v1beta2' "$work/migrated.yaml"
grep -q 'controlPlaneComponentHealthCheck: 3m0s' "$work/migrated.yaml"
"$KADM" config validate --config "$work/migrated.yaml" | grep -qx ok
echo "config validate/migrate: ok"
