#!/usr/bin/env bash
# Measurement (run on demand, as root; never part of the tests): the files kadm and real kubeadm
# write for the same configuration, judged by `kadm cis check` (CIS Kubernetes Benchmark 1.12,
# automatable scored checks). Each tool runs `init phase certs all`, `kubeconfig all`,
# `etcd local`, `control-plane all` and `kubelet-start` in a mount namespace of its own where
# /etc/kubernetes is an empty temp directory and /var/lib an empty tmpfs (a fresh host); nothing
# is started. kadm also runs once more with --profile cis. Prints one table row per check id.
#
#   KADM=build/cmd/kadm bench/compare_cis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
kadm=$(realpath "${KADM:-build/cmd/kadm}")
kubeadm=${KUBEADM:-$HOME/.cache/kadm/k8s-v1.37.2/bin/kubeadm}
[[ -x $kadm && -x $kubeadm ]] || { echo "need KADM ($kadm) and KUBEADM ($kubeadm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/config.yaml" <<'YAML'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.10
nodeRegistration:
  name: node1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
YAML

# run NAME TOOL [EXTRA FLAGS]: the phases in a private mount namespace; the node's files end up
# under $work/NAME; `kadm cis check` judges them inside the same namespace.
run() {
  local tool=$2 dir=$work/$1
  shift 2
  mkdir -p "$dir"/{etc-kubernetes,var-log}
  # shellcheck disable=SC2016 # expanded by the inner shell
  unshare --mount --propagation private bash -euo pipefail -c '
    dir=$1 tool=$2 cfg=$3; shift 3
    mount --bind "$dir/etc-kubernetes" /etc/kubernetes
    # A fresh host: no /var/lib/etcd or /var/lib/kubelet until the tool makes them.
    mount -t tmpfs -o mode=0755 tmpfs /var/lib
    mount --bind "$dir/var-log" /var/log
    for phase in "certs all" "kubeconfig all" "etcd local" "control-plane all" "kubelet-start"; do
      # shellcheck disable=SC2086
      "$tool" init phase $phase --config "$cfg" "$@" >>"$dir/log" 2>&1 ||
        echo "($phase exited $?)" >>"$dir/log"
    done
    "$KADM_BIN" cis check --role control-plane -o json >"$dir/report.json" || true
  ' _ "$dir" "$tool" "$work/config.yaml" "$@"
}
export KADM_BIN=$kadm
run kubeadm "$kubeadm"
run kadm "$kadm"
run kadm-cis "$kadm" --profile cis

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
cols = ["kubeadm", "kadm", "kadm-cis"]
reports = {c: json.load(open(f"{work}/{c}/report.json")) for c in cols}
status = {}
texts = {}
for c in cols:
    for f in reports[c]["findings"]:
        s = status.setdefault(f["id"], {}).get(c)
        # an id fails if any of its rows fails
        if s != "FAIL":
            status[f["id"]][c] = f["status"] if s in (None, "N/A") or f["status"] == "FAIL" else s
        texts.setdefault(f["id"], f["check"])
print("| check | kubeadm v1.37.2 | kadm (default) | kadm --profile cis |")
print("|---|---|---|---|")
for cid, st in status.items():
    print(f"| {cid} {texts[cid]} | " + " | ".join(st.get(c, "-") for c in cols) + " |")
for c in cols:
    s = reports[c]["summary"]
    print(f"{c}: {s['pass']} pass, {s['fail']} fail, {s['notApplicable']} n/a", file=sys.stderr)
PY
