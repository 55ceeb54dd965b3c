#!/usr/bin/env bash
# The kubelet's files from `init phase kubelet-start`, kadm next to real kubeadm with one config
# (a node name other than the host's, a non-default CRI socket): kubeadm-flags.env and
# instance-config.yaml byte for byte; config.yaml field by field (kubeadm also spells out
# zero-valued fields the kubelet defaults the same way, e.g. `syncFrequency: 0s`). Each tool runs
# in a private mount namespace with scratch directories on /etc/kubernetes and /var/lib/kubelet.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
SRC=${KADM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] && command -v unshare >/dev/null || { echo "needs root and unshare"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "needs python3-yaml"; exit 77; }
KUBEADM=$("$SRC/scripts/k8s-binaries.sh")/kubeadm
work=$(mktemp -d /tmp/kadm-interop-kubelet-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p /etc/kubernetes /var/lib/kubelet # the mount points

cat >"$work/cfg.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.1.2.3
nodeRegistration:
  name: not-$(hostname | tr 'A-Z' 'a-z')
  criSocket: unix:///run/other/cri.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
YAML

for tool in kadm kubeadm; do
  bin=$KADM; [[ $tool == kubeadm ]] && bin=$KUBEADM
  mkdir -p "$work/$tool/etc" "$work/$tool/lib"
  # kubeadm tries systemd and warns when it cannot restart the kubelet; only the files count.
  unshare -m --propagation private sh -c \
    'mount --bind "$1/etc" /etc/kubernetes && mount --bind "$1/lib" /var/lib/kubelet && exec "$2" init phase kubelet-start --config "$3"' \
    sh "$work/$tool" "$bin" "$work/cfg.yaml" >"$work/$tool.log" 2>&1 || { cat "$work/$tool.log" >&2; fail "$tool init phase kubelet-start"; }
done

for f in kubeadm-flags.env instance-config.yaml; do
  [[ -f $work/kubeadm/lib/$f ]] || fail "kubeadm wrote no $f (the reference changed?)"
  cmp -s "$work/kadm/lib/$f" "$work/kubeadm/lib/$f" ||
    fail "$f differs: kadm $(cat "$work/kadm/lib/$f") | kubeadm $(cat "$work/kubeadm/lib/$f")"
  echo "$f: identical ($(tr -d '\n' <"$work/kadm/lib/$f"))"
done
grep -q -- '--hostname-override=not-' "$work/kadm/lib/kubeadm-flags.env" || fail "no hostname override"

python3 - "$work/kadm/lib/config.yaml" "$work/kubeadm/lib/config.yaml" <<'PY'
import sys, yaml
kadm, kubeadm = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
def zero(v):
    return v in (None, 0, "0", "0s", {}, []) or (isinstance(v, dict) and all(zero(x) for x in v.values()))
def walk(a, b, path=""):
    problems = []
    for k in sorted(set(a) | set(b)):
        p = f"{path}.{k}" if path else k
        if k not in a:
            if not zero(b[k]): problems.append(f"{p}: kadm lacks {b[k]!r}")
        elif k not in b:
            problems.append(f"{p}: only kadm has {a[k]!r}")
        elif isinstance(a[k], dict) and isinstance(b[k], dict):
            problems += walk(a[k], b[k], p)
        elif a[k] != b[k]:
            problems.append(f"{p}: kadm {a[k]!r} kubeadm {b[k]!r}")
    return problems
problems = walk(kadm, kubeadm)
if problems:
    sys.exit("config.yaml differs:\n  " + "\n  ".join(problems))
print(f"config.yaml: {len(kadm)} fields agree (kubeadm's zero-valued extras ignored)")
PY
echo PASS
